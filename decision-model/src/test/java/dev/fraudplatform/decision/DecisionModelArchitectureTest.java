package dev.fraudplatform.decision;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.fraudplatform.decision.archfixture.LeakyJdbcFixture;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import org.junit.jupiter.api.Test;

/**
 * The decision model is the same code online and offline: pure functions over core types, so no bus, database, HTTP
 * or Parquet client, and no plane or adapter of ours, may leak into it.
 */
class DecisionModelArchitectureTest {

    private static final String MODEL = "dev.fraudplatform.decision";

    static final String[] FORBIDDEN = {
        "org.apache.kafka..",
        "kafka..",
        "java.sql..",
        "javax.sql..",
        "org.postgresql..",
        "com.zaxxer..",
        "org.flywaydb..",
        "org.duckdb..",
        "software.amazon..",
        "io.lettuce..",
        "redis..",
        "io.javalin..",
        "java.net.http..",
        "org.eclipse.jetty..",
        "dev.fraudplatform.rtdl..",
        "dev.fraudplatform.ingress..",
        "dev.fraudplatform.world..",
        "dev.fraudplatform.substrate..",
        "dev.fraudplatform.ops..",
        "dev.fraudplatform.app..",
    };

    /** The one rule, shared by the real check and by the check that it bites. */
    static ArchRule modelHasNoInfrastructureDependencies() {
        return noClasses()
                .that()
                .resideInAPackage(MODEL + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FORBIDDEN)
                .because("the decision model runs online and offline alike; only platform-core is beneath it");
    }

    @Test
    void modelDependsOnNoInfrastructure() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(MODEL);

        // the import is not vacuous, and holds production classes only
        assertThat(production.contain(DecisionFabric.class)).isTrue();
        assertThat(production.size()).isGreaterThan(10);
        assertThat(production.stream().map(JavaClass::getName))
                .noneMatch(n -> n.startsWith(MODEL + ".archfixture"))
                .noneMatch(n -> n.endsWith("Test"));

        modelHasNoInfrastructureDependencies().check(production);
    }

    @Test
    void ruleReportsAModelClassThatUsesJdbc() {
        JavaClasses fixture = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages(MODEL + ".archfixture");
        assertThat(fixture.contain(LeakyJdbcFixture.class)).isTrue();

        EvaluationResult result = modelHasNoInfrastructureDependencies().evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(LeakyJdbcFixture.class.getName()))
                .anySatisfy(line -> assertThat(line).contains("java.sql.Connection"));
    }
}

package dev.fraudplatform.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.fraudplatform.core.archfixture.LeakyJdbcFixture;
import dev.fraudplatform.core.envelope.Envelope;
import org.junit.jupiter.api.Test;

/** The core holds the laws and the ports; no infrastructure client may leak into it. */
class ArchitectureTest {

    private static final String CORE = "dev.fraudplatform.core";

    static final String[] FORBIDDEN = {
        "org.apache.kafka..",
        "kafka..",
        "java.sql..",
        "javax.sql..",
        "org.postgresql..",
        "com.zaxxer..",
        "org.flywaydb..",
        "software.amazon..",
        "io.lettuce..",
        "redis..",
        "io.javalin..",
        "java.net.http..",
        "org.eclipse.jetty..",
    };

    /** The one rule, shared by the real check and by the check that it bites. */
    static ArchRule coreHasNoInfrastructureDependencies() {
        return noClasses()
                .that()
                .resideInAPackage(CORE + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FORBIDDEN)
                .because("platform-core holds the laws and the ports; adapters live in the substrate modules");
    }

    @Test
    void coreDependsOnNoInfrastructure() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(CORE);

        // the import is not vacuous, and holds production classes only
        assertThat(production.contain(Envelope.class)).isTrue();
        assertThat(production.size()).isGreaterThan(20);
        assertThat(production.stream().map(JavaClass::getName))
                .noneMatch(n -> n.startsWith(CORE + ".archfixture"))
                .noneMatch(n -> n.endsWith("Test"));

        coreHasNoInfrastructureDependencies().check(production);
    }

    @Test
    void ruleReportsACoreClassThatUsesJdbc() {
        JavaClasses fixture = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages(CORE + ".archfixture");
        assertThat(fixture.contain(LeakyJdbcFixture.class)).isTrue();

        EvaluationResult result = coreHasNoInfrastructureDependencies().evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(LeakyJdbcFixture.class.getName()))
                .anySatisfy(line -> assertThat(line).contains("java.sql.Connection"));
    }
}

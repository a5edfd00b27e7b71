package dev.fraudplatform.app;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.fraudplatform.app.archfixture.CommandNamingAnAdapterFixture;
import dev.fraudplatform.core.archfixture.CoreNamingAPlaneFixture;
import dev.fraudplatform.core.envelope.Envelope;
import dev.fraudplatform.ingress.archfixture.IngressNamingAnAdapterFixture;
import dev.fraudplatform.ingress.gate.IngestionGate;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.archfixture.CodecNamingAPlaneFixture;
import dev.fraudplatform.substrate.archfixture.AdapterNamingAPlaneFixture;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.PostgresRunRegistry;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.archfixture.WorldNamingAnotherPlaneFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The direction of every arrow between our modules, checked on the class files of every module (the app sees them
 * all):
 *
 * <ul>
 *   <li>core depends on nothing of ours; the Parquet codec on nothing of ours but core;
 *   <li>a plane ({@code world, ingress, rtdl, ops}, the decision model) depends on core, the decision model and the
 *       Parquet codec only: never on another plane's internals, never on a substrate adapter;
 *   <li>substrate adapters never depend on planes or on the wiring;
 *   <li>only the wiring ({@code dev.fraudplatform.app..}) names adapters, and inside it only the wiring classes that
 *       choose them ({@link Wiring} and its implementations, {@link AdminStores}) and the end-to-end bench, which
 *       times raw Kafka clients: {@code Platform}, the run and the commands hold ports.
 * </ul>
 *
 * Each rule is also shown able to fail, on a fixture class in this test tree that breaks it.
 */
class ModuleArchitectureTest {
    private static final String OURS = "dev.fraudplatform..";
    private static final String CORE = "dev.fraudplatform.core..";
    private static final String DECISION = "dev.fraudplatform.decision..";
    private static final String PARQUET = "dev.fraudplatform.parquet..";
    private static final String SUBSTRATE = "dev.fraudplatform.substrate..";
    private static final String APP = "dev.fraudplatform.app..";
    private static final String TESTKIT = "dev.fraudplatform.testkit..";
    private static final List<String> PLANES =
            List.of("world", "ingress", "rtdl", "casework", "learning", "ops", "decision");
    /** The app's classes that may name adapters; their nested classes too. */
    private static final List<Class<?>> WIRING_CLASSES = List.of(
            Wiring.class,
            Substrate.class,
            EmbeddedWiring.class,
            LocalWiring.class,
            AdminStores.class,
            // builds a raw producer and consumer from the wiring's KafkaSettings to time the bus hop on its own
            EndToEndBench.class,
            // starts a PostgreSQL of its own and loads it with the PostgreSQL Label Store's COPY, which no port has
            LabelStoreBench.class,
            // the object store on S3 as a profile configures it, and the S3 API server of fp infra up
            S3Stores.class,
            // probe each adapter a profile names (fp doctor), and provision its servers (fp infra up)
            Doctor.class,
            KafkaDoctor.class,
            Infra.class);

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fraudplatform");

    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages(
                    "dev.fraudplatform.app.archfixture",
                    "dev.fraudplatform.core.archfixture",
                    "dev.fraudplatform.parquet.archfixture",
                    "dev.fraudplatform.world.archfixture",
                    "dev.fraudplatform.ingress.archfixture",
                    "dev.fraudplatform.substrate.archfixture");

    private static String packageOf(String plane) {
        return "dev.fraudplatform." + plane + "..";
    }

    static ArchRule coreDependsOnNothingOfOurs() {
        return noClasses()
                .that()
                .resideInAPackage(CORE)
                .should()
                .dependOnClassesThat(resideInAPackage(OURS).and(resideOutsideOfPackages(CORE)))
                .because("platform-core holds the laws and the ports, which every module may use");
    }

    static ArchRule parquetCodecDependsOnCoreOnly() {
        return noClasses()
                .that()
                .resideInAPackage(PARQUET)
                .should()
                .dependOnClassesThat(resideInAPackage(OURS).and(resideOutsideOfPackages(PARQUET, CORE)))
                .because("the Parquet codec is shared by the world, the audit and the archive");
    }

    static ArchRule planeDependsOnCoreDecisionModelAndCodecOnly(String plane) {
        return noClasses()
                .that()
                .resideInAPackage(packageOf(plane))
                .should()
                .dependOnClassesThat(
                        resideInAPackage(OURS).and(resideOutsideOfPackages(packageOf(plane), CORE, DECISION, PARQUET)))
                .because("a plane speaks to other planes through topics and core ports, and to infrastructure"
                        + " through ports whose adapters the wiring chooses")
                // the decision model is being created alongside this rule; until it lands it has no classes
                .allowEmptyShould(plane.equals("decision"));
    }

    static ArchRule adaptersDependOnNoPlane() {
        return noClasses()
                .that()
                .resideInAPackage(SUBSTRATE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PLANES.stream()
                        .map(ModuleArchitectureTest::packageOf)
                        .toList()
                        .toArray(new String[0]))
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage(APP)
                .because("an adapter implements a core port and knows nothing of who uses it");
    }

    static ArchRule onlyTheWiringNamesAdapters() {
        return noClasses()
                .that()
                .resideOutsideOfPackages(APP, SUBSTRATE, TESTKIT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SUBSTRATE)
                .because("adapters are chosen in one place per wiring, so a new adapter is one line there");
    }

    static ArchRule insideTheAppOnlyTheWiringClassesNameAdapters() {
        DescribedPredicate<JavaClass> wiringClass = DescribedPredicate.describe(
                "wiring classes "
                        + WIRING_CLASSES.stream().map(Class::getSimpleName).toList(),
                c -> WIRING_CLASSES.stream()
                        .anyMatch(w ->
                                c.getName().equals(w.getName()) || c.getName().startsWith(w.getName() + "$")));
        return noClasses()
                .that()
                .resideInAPackage(APP)
                .and(DescribedPredicate.not(wiringClass))
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SUBSTRATE)
                .because("Platform, the run and the commands hold ports: the wiring classes choose the adapters, so"
                        + " a new adapter or profile is one class and one line there");
    }

    @Test
    void theImportHoldsEveryModulesProductionClassesAndNoTestClass() {
        assertThat(PRODUCTION.contain(Envelope.class)).isTrue();
        assertThat(PRODUCTION.contain(ParquetCodec.class)).isTrue();
        assertThat(PRODUCTION.contain(WorldBuilder.class)).isTrue();
        assertThat(PRODUCTION.contain(IngestionGate.class)).isTrue();
        assertThat(PRODUCTION.contain(FilesystemObjectStore.class)).isTrue();
        assertThat(PRODUCTION.contain(Fp.class)).isTrue();
        assertThat(PRODUCTION.stream().map(JavaClass::getName)).noneMatch(n -> n.contains(".archfixture."));
        assertThat(PRODUCTION.stream()
                        .map(c -> c.getSource()
                                .map(source -> source.getUri().toString())
                                .orElse("")))
                .noneMatch(uri -> uri.contains("/test-classes/"));
        for (String plane : List.of("world", "ingress", "rtdl", "ops")) {
            assertThat(PRODUCTION.stream().map(JavaClass::getPackageName))
                    .as(plane)
                    .anyMatch(p -> p.startsWith("dev.fraudplatform." + plane));
        }
    }

    @Test
    void coreDependsOnNothingOfOursHolds() {
        coreDependsOnNothingOfOurs().check(PRODUCTION);
    }

    @Test
    void parquetCodecDependsOnCoreOnlyHolds() {
        parquetCodecDependsOnCoreOnly().check(PRODUCTION);
    }

    @Test
    void worldDependsOnCoreDecisionModelAndCodecOnly() {
        planeDependsOnCoreDecisionModelAndCodecOnly("world").check(PRODUCTION);
    }

    @Test
    void ingressDependsOnCoreDecisionModelAndCodecOnly() {
        planeDependsOnCoreDecisionModelAndCodecOnly("ingress").check(PRODUCTION);
    }

    @Test
    void rtdlDependsOnCoreDecisionModelAndCodecOnly() {
        planeDependsOnCoreDecisionModelAndCodecOnly("rtdl").check(PRODUCTION);
    }

    @Test
    void opsDependsOnCoreDecisionModelAndCodecOnly() {
        planeDependsOnCoreDecisionModelAndCodecOnly("ops").check(PRODUCTION);
    }

    @Test
    void theDecisionModelDependsOnCoreAndCodecOnly() {
        planeDependsOnCoreDecisionModelAndCodecOnly("decision").check(PRODUCTION);
    }

    @Test
    void adaptersDependOnNoPlaneHolds() {
        adaptersDependOnNoPlane().check(PRODUCTION);
    }

    @Test
    void onlyTheWiringNamesAdaptersHolds() {
        onlyTheWiringNamesAdapters().check(PRODUCTION);
    }

    @Test
    void insideTheAppOnlyTheWiringClassesNameAdaptersHolds() {
        insideTheAppOnlyTheWiringClassesNameAdapters().check(PRODUCTION);
    }

    @Test
    void eachRuleReportsTheFixtureThatBreaksIt() {
        assertReports(coreDependsOnNothingOfOurs(), CoreNamingAPlaneFixture.class, "dev.fraudplatform.world.WorldRow");
        assertReports(parquetCodecDependsOnCoreOnly(), CodecNamingAPlaneFixture.class, "dev.fraudplatform.world.View");
        assertReports(
                planeDependsOnCoreDecisionModelAndCodecOnly("world"),
                WorldNamingAnotherPlaneFixture.class,
                "dev.fraudplatform.rtdl.audit.AuditLog");
        assertReports(
                planeDependsOnCoreDecisionModelAndCodecOnly("ingress"),
                IngressNamingAnAdapterFixture.class,
                FilesystemObjectStore.class.getName());
        assertReports(
                adaptersDependOnNoPlane(), AdapterNamingAPlaneFixture.class, "dev.fraudplatform.world.WorldReader");
        assertReports(
                onlyTheWiringNamesAdapters(),
                IngressNamingAnAdapterFixture.class,
                FilesystemObjectStore.class.getName());
        assertReports(
                insideTheAppOnlyTheWiringClassesNameAdapters(),
                CommandNamingAnAdapterFixture.class,
                PostgresRunRegistry.class.getName());
    }

    private static void assertReports(ArchRule rule, Class<?> fixture, String dependency) {
        assertThat(FIXTURES.contain(fixture)).isTrue();
        EvaluationResult result = rule.evaluate(FIXTURES);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .as(rule.getDescription())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(fixture.getName()))
                .anySatisfy(line -> assertThat(line).contains(dependency));
    }
}

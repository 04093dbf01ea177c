package io.keyrotator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the arrows pointing inward: features do not form cycles, and only vault talks to Vault. */
class ModularityTests {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.keyrotator");

    @Test
    void onlyTheVaultPackageUsesSpringVault() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.keyrotator.vault..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.vault..")
                .check(classes);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.keyrotator.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * Rotation publishes {@code KeyEvent}s; webhooks listens inside the same transaction. Rotation
     * knows nothing of webhooks, so the protocol can change without the delivery machinery.
     */
    @Test
    void rotationDoesNotReachIntoWebhooks() {
        noClasses()
                .that()
                .resideInAPackage("io.keyrotator.rotation..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.keyrotator.webhooks..")
                .check(classes);
    }

    /**
     * Rotation's records are its own: other features go through the protocol's {@code KeyCatalog},
     * {@code Registration} and {@code Adoption}, so a change of rotation's tables stays inside it.
     */
    @Test
    void noOtherFeatureReachesIntoRotationsRecordsSchedulingOrWebLayer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.keyrotator.rotation..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.keyrotator.rotation.store..",
                        "io.keyrotator.rotation.schedule..",
                        "io.keyrotator.rotation.web..")
                .check(classes);
    }

    /** Inside rotation the arrows run api <- store <- protocol <- schedule, web. */
    @Test
    void rotationsSubPackagesAreLayered() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("api")
                .definedBy("io.keyrotator.rotation")
                .layer("store")
                .definedBy("io.keyrotator.rotation.store..")
                .layer("protocol")
                .definedBy("io.keyrotator.rotation.protocol..")
                .layer("schedule")
                .definedBy("io.keyrotator.rotation.schedule..")
                .layer("web")
                .definedBy("io.keyrotator.rotation.web..")
                .whereLayer("web")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("schedule")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("protocol")
                .mayOnlyBeAccessedByLayers("schedule", "web")
                .whereLayer("store")
                .mayOnlyBeAccessedByLayers("protocol", "schedule")
                .check(classes);
    }

    @Test
    void theVaultPortDependsOnNoOtherFeature() {
        noClasses()
                .that()
                .resideInAPackage("io.keyrotator.vault..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.keyrotator.keys..",
                        "io.keyrotator.rotation..",
                        "io.keyrotator.webhooks..",
                        "io.keyrotator.security..",
                        "io.keyrotator.observability..")
                .check(classes);
    }
}

package dev.attune.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The server's packages form no cycle (the root package, which builds the engine from settings,
 * included), and only the command line knows all of them: nothing reaches up into {@code cli}.
 */
@AnalyzeClasses(
    packages = "dev.attune.server",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  static final SliceAssignment SERVER_PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          String p = c.getPackageName();
          if (p.equals("dev.attune.server")) {
            return SliceIdentifier.of("the engine's wiring (dev.attune.server)");
          }
          if (p.startsWith("dev.attune.server.")) {
            return SliceIdentifier.of(p.substring("dev.attune.server.".length()).split("\\.")[0]);
          }
          return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the server's packages";
        }
      };

  @ArchTest
  static final ArchRule noCycleBetweenServerPackages =
      slices().assignedFrom(SERVER_PACKAGES).should().beFreeOfCycles();

  @ArchTest
  static final ArchRule nothingReachesUpIntoTheCommandLine =
      noClasses()
          .that()
          .resideInAPackage("dev.attune.server..")
          .and()
          .resideOutsideOfPackage("dev.attune.server.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.attune.server.cli..");
}

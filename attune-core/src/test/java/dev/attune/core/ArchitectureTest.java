package dev.attune.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.attune.core.internal.UserWriter;
import dev.attune.core.port.MemoryStore;

/**
 * Core's layering, stated so that the build fails on the first arrow that climbs back up:
 *
 * <ul>
 *   <li>the floor: {@code model} (ids, records, kinds, exceptions, limits) depends on nothing else
 *       in core; {@code api} (requests, results, the export) only on the floor, {@code privacy} and
 *       the effectiveness records;
 *   <li>no cycle between core's packages, the facade (the root package) included;
 *   <li>{@code internal} is the facade's own: nothing else reaches into it;
 *   <li>no web framework, JDBC or ONNX in core;
 *   <li>one write path for a user's data: only {@code UserWriter} writes or erases a user in the
 *       store, and it updates the cached working set with every write.
 * </ul>
 */
@AnalyzeClasses(packages = "dev.attune.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** One slice per package under core (by its first segment); the root package is the facade. */
  static final SliceAssignment CORE_PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          String p = c.getPackageName();
          if (p.equals("dev.attune.core")) {
            return SliceIdentifier.of("the facade (dev.attune.core)");
          }
          if (p.startsWith("dev.attune.core.")) {
            return SliceIdentifier.of(p.substring("dev.attune.core.".length()).split("\\.")[0]);
          }
          return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "core's packages";
        }
      };

  /** The engine's working packages: the floor ({@code model}, {@code api}) never reaches them. */
  static final String[] ABOVE_THE_FLOOR = {
    "dev.attune.core.port..",
    "dev.attune.core.internal..",
    "dev.attune.core.retrieval..",
    "dev.attune.core.assembly..",
    "dev.attune.core.learning..",
    "dev.attune.core.tokens.."
  };

  @ArchTest
  static final ArchRule noCycleBetweenCorePackages =
      slices().assignedFrom(CORE_PACKAGES).should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theModelIsTheFloor =
      noClasses()
          .that()
          .resideInAPackage("dev.attune.core.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.attune.core")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.attune.core.api..",
              "dev.attune.core.effectiveness..",
              "dev.attune.core.privacy..")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(ABOVE_THE_FLOOR);

  @ArchTest
  static final ArchRule theApiStandsOnTheFloor =
      noClasses()
          .that()
          .resideInAPackage("dev.attune.core.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.attune.core")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(ABOVE_THE_FLOOR);

  @ArchTest
  static final ArchRule internalIsTheFacadesOwn =
      classes()
          .that()
          .resideInAPackage("dev.attune.core.internal..")
          .should()
          .onlyBeAccessed()
          .byClassesThat()
          .resideInAnyPackage("dev.attune.core", "dev.attune.core.internal..");

  @ArchTest
  static final ArchRule noWebJdbcOrOnnxInCore =
      noClasses()
          .that()
          .resideInAPackage("dev.attune.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.sql..",
              "javax.sql..",
              "io.javalin..",
              "jakarta.servlet..",
              "org.eclipse.jetty..",
              "com.sun.net.httpserver..",
              "ai.onnxruntime..");

  @ArchTest
  static final ArchRule oneWritePathForAUsersData =
      noClasses()
          .that()
          .resideInAPackage("dev.attune.core..")
          .and()
          .doNotHaveFullyQualifiedName(UserWriter.class.getName())
          .should()
          .callMethodWhere(
              JavaCall.Predicates.target(HasName.Predicates.nameMatching("write|forget"))
                  .and(
                      JavaCall.Predicates.target(
                          HasOwner.Predicates.With.owner(
                              JavaClass.Predicates.assignableTo(MemoryStore.class)))))
          .because("a user's rows and their cached working set change together (UserWriter)");
}

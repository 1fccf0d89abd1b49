package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md names classes in backticks; each must still be a class of this repository (a
 * source file of that name), so that the page cannot drift from the code unnoticed. The few names
 * it gives from other projects are listed here.
 */
class DocsNameRealClassesTest {
  static final Set<String> OTHER_PROJECTS = Set.of("ChatClient", "ContentRetriever");
  static final Pattern CLASS_NAME = Pattern.compile("(?<![\\w/])([A-Z][a-z][A-Za-z0-9]*)");

  @Test
  void everyClassTheArchitecturePageNamesExists() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> classes;
    try (Stream<Path> files = Files.walk(root)) {
      classes =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.toString().contains("/target/"))
              .map(p -> p.getFileName().toString().replace(".java", ""))
              .collect(Collectors.toSet());
    }
    String page = Files.readString(root.resolve("docs/architecture.md"));
    Set<String> named = new TreeSet<>();
    Matcher code = Pattern.compile("`([^`]+)`").matcher(page);
    while (code.find()) {
      Matcher name = CLASS_NAME.matcher(code.group(1));
      while (name.find()) {
        named.add(name.group(1));
      }
    }
    assertThat(named).as("class names on the page").hasSizeGreaterThan(50);
    assertThat(named.stream().filter(n -> !classes.contains(n) && !OTHER_PROJECTS.contains(n)))
        .as("named in docs/architecture.md but not a class here")
        .isEmpty();
  }
}

package dev.attune.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a data directory holds byte for byte: for tests that plaintext never reaches the disk. */
public final class RawBytes {
  private RawBytes() {}

  /** The contents of every regular file under {@code dir} (files removed meanwhile are skipped). */
  public static List<byte[]> files(Path dir) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        try {
          out.add(Files.readAllBytes(p));
        } catch (java.nio.file.NoSuchFileException vanished) {
          // a temporary file its writer removed while we walked
        }
      }
    }
    return out;
  }

  /** How many times {@code text} (UTF-8) occurs in all files under {@code dir}. */
  public static int occurrences(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    for (byte[] file : files(dir)) {
      for (int at = indexOf(file, needle, 0); at >= 0; at = indexOf(file, needle, at + 1)) {
        n++;
      }
    }
    return n;
  }

  /** The first position of {@code needle} in {@code haystack} at or after {@code from}, or -1. */
  public static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package io.poolscope.demo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The demo's temporary directory: store, database files and pod logs, all removed at the end. */
public final class WorkDirectory {
  private final Path path;

  private WorkDirectory(Path path) {
    this.path = path;
  }

  /**
   * Makes a new directory {@code poolscope-demo-*} under {@code root}.
   *
   * @param root the parent, e.g. the system's temporary directory
   * @return the directory
   * @throws IOException when it cannot be made
   */
  public static WorkDirectory create(Path root) throws IOException {
    Files.createDirectories(root);
    return new WorkDirectory(Files.createTempDirectory(root, "poolscope-demo-"));
  }

  /**
   * Where it is.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /** Removes the directory and everything in it. */
  public void delete() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + path, e);
    }
  }
}

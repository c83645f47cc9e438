package io.poolscope.demo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

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

  /**
   * Removes the directory and everything in it. Files may vanish meanwhile (at Ctrl-C the embedded
   * PostgreSQL's own shutdown hook removes its data directory at the same time, and the stopping
   * postmaster its own files): those are skipped, and a directory that got a new file meanwhile is
   * tried again.
   */
  public void delete() {
    for (int attempt = 1; ; attempt++) {
      try {
        deleteOnce();
        return;
      } catch (IOException e) {
        if (attempt == 5) {
          throw new UncheckedIOException("could not remove " + path, e);
        }
        try {
          Thread.sleep(100L * attempt); // let the other process finish with its files
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new UncheckedIOException("could not remove " + path, e);
        }
      }
    }
  }

  private void deleteOnce() throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // removed by someone else meanwhile
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}

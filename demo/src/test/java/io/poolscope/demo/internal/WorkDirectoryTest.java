package io.poolscope.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirectoryTest {
  @TempDir Path root;

  @Test
  void deleteRemovesTheWholeTreeAndCanBeRepeated() throws Exception {
    WorkDirectory work = WorkDirectory.create(root);
    Path data = Files.createDirectories(work.path().resolve("postgres/data/base/16385"));
    Files.writeString(data.resolve("2703"), "page");
    Files.writeString(work.path().resolve("collector.log"), "log");

    work.delete();
    assertThat(work.path()).doesNotExist();
    work.delete(); // already gone: nothing to do
    assertThat(root).isEmptyDirectory();
  }
}

package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A data source compiled to Java 25 class files (major version 69) is instrumented like any other:
 * the shaded Byte Buddy reads and writes the newest class format.
 */
class Java25ClassFilesIT {
  private static final String SOURCE =
      String.join(
          "\n",
          "package com.example.jdk25;",
          "import java.sql.*;",
          "import java.util.concurrent.Semaphore;",
          "public final class Jdk25Pool implements javax.sql.DataSource {",
          "  private final String url, user, password; private final Semaphore permits;",
          "  public Jdk25Pool(String url, String user, String password, int max) {",
          "    this.url = url; this.user = user; this.password = password;",
          "    this.permits = new Semaphore(max, true); }",
          "  public Connection getConnection() throws SQLException {",
          "    try { permits.acquire(); } catch (InterruptedException e) { throw new SQLException(e); }",
          "    Connection real = DriverManager.getConnection(url, user, password);",
          "    return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),",
          "      new Class<?>[] {Connection.class}, (p, m, a) -> {",
          "        if (m.getName().equals(\"close\")) { real.close(); permits.release(); return null; }",
          "        return m.invoke(real, a); }); }",
          "  public Connection getConnection(String u, String p) throws SQLException { return getConnection(); }",
          "  public java.io.PrintWriter getLogWriter() { return null; }",
          "  public void setLogWriter(java.io.PrintWriter w) {}",
          "  public void setLoginTimeout(int s) {}",
          "  public int getLoginTimeout() { return 0; }",
          "  public java.util.logging.Logger getParentLogger() { return null; }",
          "  public <T> T unwrap(Class<T> c) throws SQLException { throw new SQLException(); }",
          "  public boolean isWrapperFor(Class<?> c) { return false; }",
          "}");

  @Test
  void dataSourceCompiledForJava25IsInstrumented() throws Exception {
    Path dir = Files.createTempDirectory("jdk25-classes");
    Path src = dir.resolve("Jdk25Pool.java");
    Files.writeString(src, SOURCE);
    Process javac =
        new ProcessBuilder(
                Paths.get(ChildJvm.JDK25, "bin", "javac").toString(),
                "--release",
                "25",
                "-d",
                dir.toString(),
                src.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(javac.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(javac.exitValue()).as(new String(javac.getInputStream().readAllBytes())).isZero();
    byte[] classFile = Files.readAllBytes(dir.resolve("com/example/jdk25/Jdk25Pool.class"));
    assertThat(((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff))
        .as("major version")
        .isEqualTo(69);

    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .jdk(ChildJvm.JDK25)
                .prependClassPath(dir.toString())
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .app(
                    "pool=class:com.example.jdk25.Jdk25Pool",
                    "scenario=contention",
                    "threads=3",
                    "leases=3",
                    "holdMs=20",
                    "max=2")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "9");
      Telemetry t = r.telemetry();
      Map<String, String> pool = Map.of("db.client.connection.pool.name", "Jdk25Pool-1");
      assertThat(
              t.last("db.client.connection.use_time", pool)
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              t.all("db.client.connection.use_time") + child.toString()))
                  .histogram
                  .getCount())
          .isEqualTo(9);
      // Physical opens inside its getConnection: one per lease, all closed again.
      assertThat(t.histogramCount("db.client.connection.create_time", pool)).isEqualTo(9);
      List<Telemetry.Point> open = t.all("poolscope.connection.open");
      assertThat(open.get(open.size() - 1).value).isZero();
    }
  }
}

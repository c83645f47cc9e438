package io.poolscope.agent.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The test application in its own JVM, with the shaded agent jar attached as -javaagent. */
final class ChildJvm implements AutoCloseable {
  static final String JDK17 = System.getProperty("poolscope.jdk17");
  static final String JDK25 = System.getProperty("poolscope.jdk25");

  final List<String> stdout = new CopyOnWriteArrayList<>();
  final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Process process;
  private final List<String> command;
  private final List<Thread> pumps = new ArrayList<>();

  private ChildJvm(List<String> command, Map<String, String> env) throws IOException {
    this.command = command;
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("POOLSCOPE_") || k.startsWith("OTEL_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(env);
    process = pb.start();
    pumps.add(
        pump(
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
            stdout));
    pumps.add(
        pump(
            new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
            stderr));
  }

  private static Thread pump(BufferedReader r, List<String> into) {
    Thread t =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = r.readLine()) != null) {
                  into.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Builder of a child JVM. */
  static final class Builder {
    private String jdk = JDK17;
    private String agentArgs;
    private boolean agent = true;
    private final List<String> libs = new ArrayList<>();
    private final List<String> extraClassPath = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> appArgs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> agentsBefore = new ArrayList<>();
    private String mainClass = "io.poolscope.testapp.TestApp";
    private boolean commonLibs = true;

    Builder jdk(String home) {
      this.jdk = home;
      return this;
    }

    Builder agentArgs(String args) {
      this.agentArgs = args;
      return this;
    }

    Builder noAgent() {
      this.agent = false;
      return this;
    }

    Builder lib(String dir) {
      libs.add(dir);
      return this;
    }

    Builder prependClassPath(String entry) {
      extraClassPath.add(entry);
      return this;
    }

    Builder jvmArg(String a) {
      jvmArgs.add(a);
      return this;
    }

    Builder env(String k, String v) {
      env.put(k, v);
      return this;
    }

    /** Another -javaagent placed before Poolscope's on the command line (JVM start order). */
    Builder agentBefore(String javaagentArg) {
      agentsBefore.add(javaagentArg);
      return this;
    }

    Builder mainClass(String name) {
      this.mainClass = name;
      return this;
    }

    /** Leaves the common drivers (H2, PostgreSQL, SLF4J) off the class path. */
    Builder withoutCommonLibs() {
      this.commonLibs = false;
      return this;
    }

    Builder app(String... args) {
      appArgs.addAll(Arrays.asList(args));
      return this;
    }

    ChildJvm start() throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(jdk, "bin", "java").toString());
      cmd.add("-Xshare:auto");
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-Xmx256m");
      cmd.addAll(agentsBefore);
      if (agent) {
        String jar = System.getProperty("poolscope.agentJar");
        cmd.add("-javaagent:" + jar + (agentArgs == null ? "" : "=" + agentArgs));
      }
      cmd.addAll(jvmArgs);
      cmd.add("-cp");
      String cp = ChildJvm.classPath(libs, commonLibs);
      for (String e : extraClassPath) {
        cp = e + File.pathSeparator + cp;
      }
      cmd.add(cp);
      cmd.add(mainClass);
      cmd.addAll(appArgs);
      return new ChildJvm(cmd, env);
    }
  }

  static Builder builder() {
    return new Builder();
  }

  /** test-classes, the common drivers, and the jars of the chosen pool version. */
  static String classPath(List<String> libs) throws IOException {
    return classPath(libs, true);
  }

  private static String classPath(List<String> libs, boolean common) throws IOException {
    Path itLib = Paths.get(System.getProperty("poolscope.itLib"));
    List<Path> poolJars = new ArrayList<>();
    for (String lib : libs) {
      if (!Files.isDirectory(itLib.resolve(lib))) {
        continue; // e.g. h2-newest: the common H2 is the newest
      }
      try (Stream<Path> s = Files.list(itLib.resolve(lib))) {
        poolJars.addAll(s.filter(p -> p.toString().endsWith(".jar")).collect(Collectors.toList()));
      }
    }
    List<Path> all = new ArrayList<>(poolJars);
    if (common) {
      try (Stream<Path> s = Files.list(itLib.resolve("common"))) {
        for (Path p : s.filter(x -> x.toString().endsWith(".jar")).collect(Collectors.toList())) {
          String artifact = artifact(p);
          if (poolJars.stream().noneMatch(q -> artifact(q).equals(artifact))) {
            all.add(p);
          }
        }
      }
    }
    List<String> parts = new ArrayList<>();
    parts.add(System.getProperty("poolscope.testClasses"));
    all.forEach(p -> parts.add(p.toString()));
    return String.join(File.pathSeparator, parts);
  }

  private static String artifact(Path jar) {
    String n = jar.getFileName().toString();
    return n.replaceAll("-\\d.*$", "");
  }

  /** Waits for a line on stdout (the app is set up and holding its state). */
  void awaitStdout(String line) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!stdout.contains(line) && process.isAlive() && System.nanoTime() < deadline) {
      pause();
    }
    if (stdout.contains(line)) {
      return;
    }
    if (process.isAlive()) {
      throw new AssertionError(
          "child did not print " + line + " within 60 s" + this + "\nthreads:\n" + threadDump());
    }
    throw new AssertionError("child exited before printing " + line + this);
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The child's threads, so a hang (at start-up, in the agent, in the application) can be diagnosed
   * from the test report alone: {@code jcmd PID Thread.print} of the child's own JDK, and when that
   * fails (the attach listener may itself be stuck) SIGQUIT, whose dump the JVM prints on the
   * child's stdout.
   */
  String threadDump() {
    Path jcmd = Paths.get(command.get(0)).resolveSibling("jcmd");
    try {
      Path out = Files.createTempFile("child-threads", ".txt");
      try {
        Process p =
            new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Files.readString(out);
        }
        p.destroyForcibly();
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException | InterruptedException e) {
      // fall back to SIGQUIT
    }
    int before = stdout.size();
    try {
      new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (stdout.stream().skip(before).noneMatch(l -> l.startsWith("JNI global refs"))
          && System.nanoTime() < deadline) {
        pause();
      }
    } catch (IOException | InterruptedException e) {
      return "no thread dump: " + e;
    }
    return String.join("\n", stdout.subList(before, stdout.size()));
  }

  void send(String line) throws IOException {
    OutputStream o = process.getOutputStream();
    o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    o.flush();
  }

  /** Waits for a normal exit and returns the RESULT lines. */
  Map<String, String> finish() throws InterruptedException {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      String threads = threadDump();
      process.destroyForcibly();
      throw new AssertionError("child did not exit" + this + "\nthreads:\n" + threads);
    }
    // The pump threads may lag the exit by a moment: both must have read to the end, or a test
    // reading stderr right after (the agent's lines, spans logged there) could miss its last lines.
    for (Thread pump : pumps) {
      pump.join(TimeUnit.SECONDS.toMillis(10));
    }
    Await.until(
        () -> stdout.contains("RESULT exit=ok") || process.exitValue() != 0, 10, "output" + this);
    if (process.exitValue() != 0) {
      throw new AssertionError("child exited with " + process.exitValue() + this);
    }
    Map<String, String> r = new HashMap<>();
    for (String l : stdout) {
      if (l.startsWith("RESULT ")) {
        int eq = l.indexOf('=');
        r.put(l.substring(7, eq), l.substring(eq + 1));
      }
    }
    return r;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return "\ncommand: "
        + String.join(" ", command)
        + "\nstdout:\n"
        + String.join("\n", stdout)
        + "\nstderr:\n"
        + String.join("\n", stderr);
  }
}

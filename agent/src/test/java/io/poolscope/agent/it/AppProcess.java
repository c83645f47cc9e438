package io.poolscope.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test program other than {@code TestApp} (the fault and transparency apps) in a child JVM on JDK
 * 17, with or without the agent, its stdout and stderr kept line by line.
 */
final class AppProcess implements AutoCloseable {
  final List<String> out = new CopyOnWriteArrayList<>();
  final Process process;

  AppProcess(String mainClass, String lib, String agentArgs, String... args) throws IOException {
    this(List.of("-XX:TieredStopAtLevel=1", "-Xmx256m"), mainClass, lib, agentArgs, args);
  }

  /**
   * With the given JVM options instead of the tests' quick-start ones (the soak wants the full
   * JIT).
   */
  AppProcess(
      List<String> jvmOptions, String mainClass, String lib, String agentArgs, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(ChildJvm.JDK17, "bin", "java").toString());
    cmd.addAll(jvmOptions);
    if (agentArgs != null) {
      cmd.add("-javaagent:" + System.getProperty("poolscope.agentJar") + "=" + agentArgs);
    }
    cmd.add("-cp");
    cmd.add(ChildJvm.classPath(List.of(lib)));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("POOLSCOPE_") || k.startsWith("OTEL_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    process = pb.start();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  out.add(l);
                }
              } catch (IOException e) {
                // the child ended
              }
            },
            "app-output");
    pump.setDaemon(true);
    pump.start();
  }

  void send(String line) throws IOException {
    OutputStream o = process.getOutputStream();
    o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    o.flush();
  }

  /** Waits for a line starting with {@code prefix} after the first {@code skip} lines. */
  String await(String prefix, int skip, int seconds) {
    Await.until(
        () -> out.stream().skip(skip).anyMatch(l -> l.startsWith(prefix)),
        seconds,
        () -> prefix + " in " + out);
    return out.stream().skip(skip).filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

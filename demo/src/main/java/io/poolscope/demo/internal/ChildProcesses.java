package io.poolscope.demo.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every process the demo starts, so that all of them, and whatever they started, are stopped
 * however the demo ends. Each child's standard input is a pipe held by this JVM: the simulated pods
 * exit on its end of file, so even a {@code kill -9} of the demo leaves no pod behind.
 */
public final class ChildProcesses implements AutoCloseable {
  /** A started child. */
  public record Child(String name, Process process, Path log) {
    /**
     * The operating-system process id.
     *
     * @return the pid
     */
    public long pid() {
      return process.pid();
    }
  }

  private final List<Child> children = new CopyOnWriteArrayList<>();
  private final List<Long> everStarted = new CopyOnWriteArrayList<>();

  /**
   * Starts a child with its output appended to a log file.
   *
   * @param name a name for logs and messages
   * @param command the command line
   * @param environment variables added to this JVM's environment
   * @param log the file receiving the child's standard output and error
   * @return the started child
   * @throws IOException when the process cannot be started
   */
  public Child start(String name, List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    Child child = new Child(name, process, log);
    children.add(child);
    everStarted.add(process.pid());
    return child;
  }

  /**
   * Stops one child: a polite SIGTERM (the JVM runs its shutdown hooks), then, if it has not exited
   * within the grace period, a kill, then the same for anything it left behind.
   *
   * @param child the child to stop
   * @param graceMillis how long to wait for a polite exit
   */
  public void stop(Child child, long graceMillis) {
    List<ProcessHandle> descendants = new ArrayList<>();
    child.process().descendants().forEach(descendants::add);
    child.process().destroy();
    try {
      if (!child.process().waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        child.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      child.process().destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle descendant : descendants) {
      descendant.destroyForcibly();
    }
    children.remove(child);
  }

  /**
   * The children still tracked (started and not stopped through this object).
   *
   * @return a snapshot
   */
  public List<Child> running() {
    return List.copyOf(children);
  }

  /**
   * The pid of every child ever started, stopped or not: what a test checks is gone at the end.
   *
   * @return a snapshot
   */
  public List<Long> pidsEverStarted() {
    return List.copyOf(everStarted);
  }

  /** Stops every child still tracked, all at once so shutdown takes one grace period. */
  @Override
  public void close() {
    List<Child> all = running();
    all.forEach(child -> child.process().destroy());
    for (Child child : all) {
      stop(child, 3_000);
    }
  }
}

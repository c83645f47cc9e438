package io.poolscope.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The {@code -javaagent} entry point. Puts the small bridge package on the bootstrap class path (so
 * advice woven into classes of any class loader, child-first and servlet loaders included, can
 * reach the agent), then starts the agent. Nothing here may stop the application: any failure
 * prints one line and the application runs without the agent.
 */
public final class PoolscopeAgent {
  private static final String BRIDGE_PACKAGE = "io/poolscope/agent/bootstrap/";
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
  private static volatile boolean started;

  /** Byte Buddy's "no Unsafe" switch, as relocated by the shade plugin. */
  private static final String SHADED_BYTE_BUDDY_SAFE = "io.poolscope.agent.shaded.bytebuddy.safe";

  private PoolscopeAgent() {}

  /**
   * Called by the JVM for {@code -javaagent}.
   *
   * @param args the agent arguments
   * @param inst the instrumentation
   */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /**
   * Called by the JVM when the agent is attached to a running process.
   *
   * @param args the agent arguments
   * @param inst the instrumentation
   */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  private static synchronized void start(String args, Instrumentation inst, boolean atJvmStart) {
    if (started || System.getProperty("poolscope.agent.active") != null) {
      return; // attached twice (e.g. -javaagent and JAVA_TOOL_OPTIONS): one agent is enough
    }
    started = true;
    try {
      // Validate the arguments before touching the boot class path: bad arguments leave the JVM
      // exactly as it was, apart from one line on stderr.
      Object config =
          Class.forName("io.poolscope.agent.internal.config.AgentConfig")
              .getMethod("fromAgentArguments", String.class)
              .invoke(null, args);
      if (config == null) {
        return;
      }
      // The agent only inlines advice and never injects classes, so the shaded Byte Buddy needs
      // no sun.misc.Unsafe; without this JDK 24+ prints Unsafe deprecation warnings.
      if (System.getProperty(SHADED_BYTE_BUDDY_SAFE) == null) {
        System.setProperty(SHADED_BYTE_BUDDY_SAFE, "true");
      }
      inst.appendToBootstrapClassLoaderSearch(bridgeJar());
      System.setProperty("poolscope.agent.active", "true");
      String version = PoolscopeAgent.class.getPackage().getImplementationVersion();
      Class.forName("io.poolscope.agent.internal.AgentMain")
          .getMethod("start", Object.class, Instrumentation.class, String.class, boolean.class)
          .invoke(null, config, inst, version == null ? "dev" : version, atJvmStart);
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      System.err.println(
          "poolscope: agent failed to start, application continues without it: " + cause);
    }
  }

  /** Copies the bridge classes out of the agent jar into a temporary jar for the boot path. */
  private static JarFile bridgeJar() throws IOException {
    File self;
    try {
      self =
          new File(
              PoolscopeAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    File out = newPrivateFile();
    out.deleteOnExit();
    try (JarFile jar = new JarFile(self);
        OutputStream fos = Files.newOutputStream(out.toPath());
        JarOutputStream jos = new JarOutputStream(fos)) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        if (e.getName().startsWith(BRIDGE_PACKAGE) && e.getName().endsWith(".class")) {
          JarEntry copy = new JarEntry(e.getName());
          // A fixed local time: the entry's default, now in the time zone, loads the zone rules.
          copy.setTimeLocal(ENTRY_TIME);
          jos.putNextEntry(copy);
          try (InputStream in = jar.getInputStream(e)) {
            in.transferTo(jos);
          }
          jos.closeEntry();
        }
      }
    }
    return new JarFile(out);
  }

  /**
   * A new file in the temporary directory that only this user can read, named for the process: as
   * {@code File.createTempFile}, but without its random name, whose SecureRandom costs the JVM's
   * start about 20 ms. Creation fails on any existing file or link, and is retried under another
   * name.
   */
  private static File newPrivateFile() throws IOException {
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"));
    String prefix = "poolscope-bridge-" + ProcessHandle.current().pid() + "-";
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve(prefix + Long.toHexString(System.nanoTime()) + ".jar");
      try {
        return (posix
                ? Files.createFile(
                    p,
                    PosixFilePermissions.asFileAttribute(
                        EnumSet.of(
                            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))
                : Files.createFile(p))
            .toFile();
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }
}

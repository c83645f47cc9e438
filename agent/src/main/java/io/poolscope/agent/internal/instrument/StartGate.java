package io.poolscope.agent.internal.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's only class file transformer, registered in {@code premain} before any Byte Buddy
 * class is loaded, so that Byte Buddy can be set up on the agent's own thread while the application
 * starts. Until the instrumentation is ready:
 *
 * <ul>
 *   <li>a class that refers to {@code java.sql} or {@code javax.sql} (every pool, driver, data
 *       source and connection class does: their methods take or return JDBC types) waits for it, at
 *       most {@link #WAIT_SECONDS}, and is then instrumented as it loads, so a pool built at the
 *       first line of {@code main} is seen from its constructor on;
 *   <li>any other class loads at once and is remembered; the instrumentation then looks at it as at
 *       a class loaded before the agent (retransformation).
 * </ul>
 *
 * Once ready, every class goes to Byte Buddy's transformer. No Byte Buddy code runs on another
 * thread before it is set up: two threads initialising its classes at once can deadlock the JVM
 * before {@code main}. Name and loader checks come first, and the JDK's classes never wait.
 */
public final class StartGate implements ClassFileTransformer {
  static final long WAIT_SECONDS = 30;
  private static final byte[][] JDBC = {bytes("java/sql/"), bytes("javax/sql/")};

  private final CountDownLatch ready = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile ClassFileTransformer delegate;
  // Byte Buddy's transformer while it retransforms the classes loaded before it, on its own thread.
  private volatile ClassFileTransformer retransformer;
  private volatile boolean failed;
  // Classes let through before the transformer was ready: name and loader. Guarded by lock.
  private List<Passed> passed = new ArrayList<>();

  private StartGate() {}

  /**
   * Registers the gate; costs nothing but the registration.
   *
   * @param inst the JVM's instrumentation
   * @return the gate, to be opened by {@link Instrumenter#install(Instrumentation, StartGate)}
   */
  public static StartGate register(Instrumentation inst) {
    StartGate gate = new StartGate();
    inst.addTransformer(gate, true);
    return gate;
  }

  /** Classes let through before {@link #open}: their internal name and loader. */
  static final class Passed {
    final String name;
    final WeakReference<ClassLoader> loader;

    Passed(String name, ClassLoader loader) {
      this.name = name;
      this.loader = new WeakReference<>(loader);
    }
  }

  /** Retransformations (requested by the installing thread) go to {@code transformer} already. */
  void retransformWith(ClassFileTransformer transformer) {
    retransformer = transformer;
  }

  /**
   * From now on every class goes to {@code transformer}.
   *
   * @param transformer Byte Buddy's transformer
   * @return the classes let through before, for retransformation
   */
  List<Passed> open(ClassFileTransformer transformer) {
    List<Passed> out;
    synchronized (lock) {
      delegate = transformer;
      out = passed;
      passed = null;
    }
    ready.countDown();
    return out;
  }

  /** The instrumentation could not be set up: nothing waits any more. */
  public void fail() {
    synchronized (lock) {
      failed = true;
      passed = null;
    }
    ready.countDown();
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String name,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes)
      throws IllegalClassFormatException {
    if (loader == null || name == null || IgnoredNames.ignoredInternal(name)) {
      return null;
    }
    ClassFileTransformer t = delegate;
    if (t == null && redefined != null) {
      t = retransformer;
      return t == null ? null : t.transform(module, loader, name, redefined, domain, bytes);
    }
    if (t == null) {
      if (!failed && mentionsJdbc(bytes)) {
        try {
          ready.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (lock) {
        t = delegate;
        if (t == null) {
          if (passed != null) {
            passed.add(new Passed(name, loader));
          }
          return null;
        }
      }
    }
    return t.transform(module, loader, name, redefined, domain, bytes);
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
      throws IllegalClassFormatException {
    return transform(null, loader, name, redefined, domain, bytes);
  }

  /** Whether the class file contains a JDBC package name (in its constant pool). */
  static boolean mentionsJdbc(byte[] b) {
    if (b == null) {
      return true;
    }
    for (int i = 0, n = b.length - 9; i < n; i++) {
      if (b[i] == 'j' && b[i + 1] == 'a' && b[i + 2] == 'v' && b[i + 3] == 'a') {
        for (byte[] p : JDBC) {
          if (startsAt(b, i, p)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean startsAt(byte[] b, int at, byte[] p) {
    if (at + p.length > b.length) {
      return false;
    }
    for (int k = 4; k < p.length; k++) {
      if (b[at + k] != p[k]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}

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
 * starts. Every class first goes through the {@link ClassFileFilter}: a class no instrumentation
 * can apply to (nearly all of an application's) loads at once and is never handed to Byte Buddy.
 * Until the instrumentation is ready, a class the filter lets by (a pool, driver, data source or
 * connection class) waits for it, at most {@link #WAIT_SECONDS}, and is then instrumented as it
 * loads, so a pool built at the first line of {@code main} is seen from its constructor on. If the
 * wait times out, the class is remembered and the instrumentation looks at it as at a class loaded
 * before the agent (retransformation).
 *
 * <p>No Byte Buddy code runs on another thread before it is set up: two threads initialising its
 * classes at once can deadlock the JVM before {@code main}. Name and loader checks come first, and
 * the JDK's classes never wait.
 */
public final class StartGate implements ClassFileTransformer {
  static final long WAIT_SECONDS = 30;
  private final ClassFileFilter filter;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile ClassFileTransformer delegate;
  // The instrumentation while it retransforms the classes loaded before it, on its own thread.
  private volatile ClassFileTransformer retransformer;
  private volatile boolean failed;
  // Classes let through before the transformer was ready: name and loader. Guarded by lock.
  private List<Passed> passed = new ArrayList<>();

  private StartGate(ClassFileFilter filter) {
    this.filter = filter;
  }

  /**
   * Registers the gate; costs nothing but the registration.
   *
   * @param inst the JVM's instrumentation
   * @return the gate, to be opened by {@link Instrumenter#install(Instrumentation, StartGate)}
   */
  public static StartGate register(Instrumentation inst) {
    StartGate gate = new StartGate(ClassFileFilter.forAgent());
    inst.addTransformer(gate, true);
    return gate;
  }

  /** The filter every class goes through first. */
  ClassFileFilter filter() {
    return filter;
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
   * @param transformer the instrumentation
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
    if (redefined == null && !filter.mayApply(loader, name, bytes)) {
      return null;
    }
    if (t == null) {
      if (!failed) {
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
}

package io.poolscope.agent.internal.instrument;

import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.Diagnostics;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Installs every instrumentation as one {@link AdviceTransformer} behind the start gate. Advice is
 * inlined (no new members), so classes already loaded are retransformed too. The gate's filter
 * leaves out the JDK's, the agent's and common libraries' classes by name, and every class no
 * instrumentation can apply to by its supertypes, before Byte Buddy parses anything.
 */
public final class Instrumenter {
  private static final AtomicLong TRANSFORMED = new AtomicLong();
  private static final TypeCache TYPES = new TypeCache();
  private static final Map<Class<?>, Advice> ADVICE =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Instrumenter() {}

  /**
   * Sets up the instrumentation behind the gate and opens it; on the agent's own thread, as it
   * loads and initialises Byte Buddy.
   *
   * @param inst the JVM's instrumentation
   * @param gate the gate registered in {@code premain}
   */
  public static void install(Instrumentation inst, StartGate gate) {
    Advice.ExceptionHandler handler;
    try {
      handler =
          new Advice.ExceptionHandler.Simple(
              MethodInvocation.invoke(
                  new MethodDescription.ForLoadedMethod(
                      Bridge.class.getMethod("adviceFailed", Throwable.class))));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    List<Transformation> all = new ArrayList<>();
    all.add(
        Transformation.of(
            DataSourceInstrumentation.types(),
            advise(
                DataSourceInstrumentation.LeaseAdvice.class,
                DataSourceInstrumentation.methods(),
                handler)));
    all.add(
        Transformation.of(
            DriverInstrumentation.driverTypes(),
            advise(
                DriverInstrumentation.ConnectAdvice.class,
                DriverInstrumentation.driverMethods(),
                handler)));
    all.add(
        Transformation.of(
            DriverInstrumentation.sourceTypes(),
            advise(
                DriverInstrumentation.SourceAdvice.class,
                DriverInstrumentation.sourceMethods(),
                handler),
            advise(
                DriverInstrumentation.SourceUserAdvice.class,
                DriverInstrumentation.sourceMethodsWithUser(),
                handler)));
    all.add(
        Transformation.of(
            DriverInstrumentation.pooledConnectionTypes(),
            advise(
                DriverInstrumentation.PooledCloseAdvice.class,
                DriverInstrumentation.pooledConnectionClose(),
                handler)));
    all.add(
        Transformation.of(
            ConnectionCloseInstrumentation.types(),
            advise(
                ConnectionCloseInstrumentation.CloseAdvice.class,
                ConnectionCloseInstrumentation.methods(),
                handler)));
    for (PoolLifecycleInstrumentation pool : PoolLifecycleInstrumentation.all()) {
      all.add(pool.transformation(handler));
    }
    List<ElementMatcher<? super TypeDescription>> types = new ArrayList<>();
    for (Transformation t : all) {
      types.add(t.types);
    }
    ElementMatcher<TypeDescription> target = new ElementMatcher.Junction.Disjunction<>(types);
    AdviceTransformer transformer = new AdviceTransformer(all, TYPES, TRANSFORMED);
    gate.retransformWith(transformer);
    retransform(inst, loadedCandidates(inst, gate.filter()), target);
    retransformLate(inst, gate.open(transformer), target);
  }

  /**
   * The loaded classes worth retransforming: at {@code premain} about a thousand classes are
   * loaded, nearly all of them the JDK's on the boot loader, and handing each to Byte Buddy costs a
   * type description and a class file read. This filter decides on the loader and the name, exactly
   * as the ignore matcher would, then on the class's hierarchy as the JVM knows it, as the {@link
   * ClassFileFilter} does for a class being loaded: what it drops, no instrumentation applies to.
   */
  private static List<Class<?>> loadedCandidates(Instrumentation inst, ClassFileFilter filter) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() != null
          && !c.isArray()
          && !c.isPrimitive()
          && !IgnoredNames.ignored(c.getName())
          && filter.mayApply(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Retransforms the loaded classes an instrumentation applies to, one at a time. */
  private static void retransform(
      Instrumentation inst, Iterable<Class<?>> candidates, ElementMatcher<TypeDescription> target) {
    for (Class<?> c : candidates) {
      try {
        if (inst.isModifiableClass(c) && target.matches(TypeDescription.ForLoadedType.of(c))) {
          inst.retransformClasses(c);
        }
      } catch (Throwable t) {
        Diagnostics.debug("could not instrument " + c.getName() + ": " + t);
      }
    }
  }

  /**
   * Retransforms the classes the start gate let through before Byte Buddy was ready that an
   * instrumentation applies to. A class still being defined when the gate opened is waited for by
   * looking it up in its loader.
   */
  private static void retransformLate(
      Instrumentation inst, List<StartGate.Passed> passed, ElementMatcher<TypeDescription> target) {
    if (passed == null || passed.isEmpty()) {
      return;
    }
    Map<String, List<Class<?>>> loaded = new HashMap<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() != null && !c.isArray()) {
        loaded.computeIfAbsent(c.getName(), k -> new ArrayList<>(1)).add(c);
      }
    }
    Set<Class<?>> late = new LinkedHashSet<>();
    for (StartGate.Passed p : passed) {
      ClassLoader loader = p.loader.get();
      if (loader == null) {
        continue;
      }
      String name = p.name.replace('/', '.');
      Class<?> c = null;
      for (Class<?> k : loaded.getOrDefault(name, Collections.emptyList())) {
        if (k.getClassLoader() == loader) {
          c = k;
        }
      }
      try {
        late.add(c != null ? c : Class.forName(name, false, loader));
      } catch (Throwable t) {
        Diagnostics.debug("could not look at " + name + ": " + t);
      }
    }
    retransform(inst, late, target);
  }

  static AsmVisitorWrapper advise(
      Class<?> advice,
      ElementMatcher<? super MethodDescription> methods,
      Advice.ExceptionHandler h) {
    // Parsed once per advice class: every pool adapter shares the lifecycle advice.
    Advice a = ADVICE.computeIfAbsent(advice, c -> Advice.to(c).withExceptionHandler(h));
    return a.on(methods);
  }

  /**
   * Releases the parsed type descriptions cached while matching, and with them the class loaders
   * they refer to (an undeployed web application's); called by the export thread every interval.
   */
  public static void releaseTypeCaches() {
    TYPES.clear();
  }

  /**
   * How many classes were transformed, for diagnostics and tests.
   *
   * @return the count
   */
  public static long transformed() {
    return TRANSFORMED.get();
  }
}

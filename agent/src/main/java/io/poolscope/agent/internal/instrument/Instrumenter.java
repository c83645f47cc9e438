package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.Diagnostics;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs every instrumentation with one Byte Buddy agent builder. Advice is inlined (no new
 * members), so classes already loaded are retransformed too. Types are ignored by name first, which
 * skips parsing the JDK's, the agent's and common libraries' classes.
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
    List<ElementMatcher<? super TypeDescription>> targets = new ArrayList<>();
    AgentBuilder builder =
        // Advice is only inlined into the methods a class declares: the full method graph of its
        // hierarchy and the validation of a type that keeps its shape are work with no use here.
        new AgentBuilder.Default(
                new ByteBuddy()
                    .with(TypeValidation.DISABLED)
                    .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(
                (AgentBuilder.RedefinitionStrategy.DiscoveryStrategy)
                    i -> loadedCandidates(i, gate.filter()))
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
            .with(TYPES)
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_FIRST)
            .with(new ErrorListener())
            .ignore(ignored())
            .or(any(), isBootstrapClassLoader())
            .type(target(targets, DataSourceInstrumentation.types()))
            .transform(
                advise(
                    DataSourceInstrumentation.LeaseAdvice.class,
                    DataSourceInstrumentation.methods(),
                    handler))
            .type(target(targets, DriverInstrumentation.driverTypes()))
            .transform(
                advise(
                    DriverInstrumentation.ConnectAdvice.class,
                    DriverInstrumentation.driverMethods(),
                    handler))
            .type(target(targets, DriverInstrumentation.sourceTypes()))
            .transform(
                advise(
                    DriverInstrumentation.SourceAdvice.class,
                    DriverInstrumentation.sourceMethods(),
                    handler))
            .transform(
                advise(
                    DriverInstrumentation.SourceUserAdvice.class,
                    DriverInstrumentation.sourceMethodsWithUser(),
                    handler))
            .type(target(targets, DriverInstrumentation.pooledConnectionTypes()))
            .transform(
                advise(
                    DriverInstrumentation.PooledCloseAdvice.class,
                    DriverInstrumentation.pooledConnectionClose(),
                    handler))
            .type(target(targets, ConnectionCloseInstrumentation.types()))
            .transform(
                advise(
                    ConnectionCloseInstrumentation.CloseAdvice.class,
                    ConnectionCloseInstrumentation.methods(),
                    handler));
    for (PoolLifecycleInstrumentation pool : PoolLifecycleInstrumentation.all()) {
      builder = pool.transform(builder.type(target(targets, pool.typeMatcher())), handler);
    }
    CapturingInstrumentation capturing = new CapturingInstrumentation(inst, gate);
    builder.installOn(capturing);
    ClassFileTransformer transformer = capturing.captured();
    if (transformer == null) {
      throw new IllegalStateException("Byte Buddy added no transformer");
    }
    retransformLate(
        inst, gate.open(transformer), new ElementMatcher.Junction.Disjunction<>(targets));
  }

  private static ElementMatcher<TypeDescription> target(
      List<ElementMatcher<? super TypeDescription>> targets, ElementMatcher<TypeDescription> m) {
    targets.add(m);
    return m;
  }

  private static ElementMatcher.Junction<TypeDescription> ignored() {
    return Matchers.prefixes(IgnoredNames.PREFIXES)
        .or(nameContains(IgnoredNames.LAMBDA))
        .and(not(Matchers.prefixes(IgnoredNames.PROXIES)));
  }

  /**
   * The loaded classes worth retransforming: at {@code premain} about a thousand classes are
   * loaded, nearly all of them the JDK's on the boot loader, and handing each to Byte Buddy costs a
   * type description and a class file read. This filter decides on the loader and the name, exactly
   * as the ignore matcher would, then on the class's hierarchy as the JVM knows it, as the {@link
   * ClassFileFilter} does for a class being loaded: what it drops, no instrumentation applies to.
   */
  private static Iterable<Iterable<Class<?>>> loadedCandidates(
      Instrumentation inst, ClassFileFilter filter) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() != null
          && !c.isArray()
          && !c.isPrimitive()
          && !IgnoredNames.ignored(c.getName())
          && filter.mayApply(c)
          && inst.isModifiableClass(c)) {
        out.add(c);
      }
    }
    return Collections.singletonList(out);
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
        if (c == null) {
          c = Class.forName(name, false, loader);
        }
        if (inst.isModifiableClass(c) && target.matches(TypeDescription.ForLoadedType.of(c))) {
          late.add(c);
        }
      } catch (Throwable t) {
        Diagnostics.debug("could not look at " + name + ": " + t);
      }
    }
    for (Class<?> c : late) {
      try {
        inst.retransformClasses(c);
      } catch (Throwable t) {
        Diagnostics.debug("could not instrument " + c.getName() + ": " + t);
      }
    }
  }

  static AgentBuilder.Transformer advise(
      Class<?> advice,
      ElementMatcher<? super MethodDescription> methods,
      Advice.ExceptionHandler h) {
    // Parsed once per advice class: every pool adapter shares the lifecycle advice.
    Advice a = ADVICE.computeIfAbsent(advice, c -> Advice.to(c).withExceptionHandler(h));
    return (DynamicType.Builder<?> builder,
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        java.security.ProtectionDomain pd) -> builder.visit(a.on(methods));
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

  /** Counts transformations; a class that cannot be instrumented is skipped, never fatal. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      TRANSFORMED.incrementAndGet();
      Diagnostics.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : ""));
    }

    @Override
    public void onError(
        String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
      Diagnostics.debug("could not instrument " + typeName + ": " + t);
    }
  }
}

package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.Diagnostics;
import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
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

  private Instrumenter() {}

  /**
   * Installs the instrumentation.
   *
   * @param inst the JVM's instrumentation
   */
  public static void install(Instrumentation inst) {
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
    AgentBuilder builder =
        new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
            .with(TYPES)
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_FIRST)
            .with(new ErrorListener())
            .ignore(ignored())
            .or(any(), isBootstrapClassLoader())
            .type(DataSourceInstrumentation.types())
            .transform(
                advise(
                    DataSourceInstrumentation.LeaseAdvice.class,
                    DataSourceInstrumentation.methods(),
                    handler))
            .type(DriverInstrumentation.driverTypes())
            .transform(
                advise(
                    DriverInstrumentation.ConnectAdvice.class,
                    DriverInstrumentation.driverMethods(),
                    handler))
            .type(DriverInstrumentation.sourceTypes())
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
            .type(DriverInstrumentation.pooledConnectionTypes())
            .transform(
                advise(
                    DriverInstrumentation.PooledCloseAdvice.class,
                    DriverInstrumentation.pooledConnectionClose(),
                    handler))
            .type(ConnectionCloseInstrumentation.types())
            .transform(
                advise(
                    ConnectionCloseInstrumentation.CloseAdvice.class,
                    ConnectionCloseInstrumentation.methods(),
                    handler));
    for (PoolLifecycleInstrumentation pool : PoolLifecycleInstrumentation.all()) {
      builder = pool.transform(builder.type(pool.typeMatcher()), handler);
    }
    builder.installOn(inst);
  }

  private static ElementMatcher.Junction<TypeDescription> ignored() {
    return Matchers.prefixes(
            Arrays.asList(
                "java.",
                "javax.",
                "jdk.",
                "sun.",
                "com.sun.",
                "io.poolscope.agent.",
                // Joined at run time so the shade plugin's relocation does not rewrite these names
                // into the agent's own shaded packages: they mean the application's copies.
                String.join(".", "net", "bytebuddy", ""),
                "org.junit.",
                "org.apache.maven.",
                "org.gradle.",
                "kotlin.",
                "scala.",
                "groovy.",
                "org.slf4j.",
                "ch.qos.logback.",
                "org.apache.logging.log4j.",
                "com.fasterxml.jackson.",
                "com.google.common.",
                "com.google.protobuf.",
                "io.netty.",
                "org.eclipse.jetty.",
                String.join(".", "io", "opentelemetry", ""),
                "org.objectweb.asm.",
                "org.assertj.",
                "org.mockito."))
        .or(nameContains("$$Lambda"))
        // JDK dynamic proxies (jdk.proxyN.$ProxyN, com.sun.proxy.$ProxyN) wrap connections in
        // in-house pools and frameworks: their close() must be seen.
        .and(not(nameStartsWith("jdk.proxy")))
        .and(not(nameStartsWith("com.sun.proxy.")));
  }

  static AgentBuilder.Transformer advise(
      Class<?> advice,
      ElementMatcher<? super MethodDescription> methods,
      Advice.ExceptionHandler h) {
    Advice a = Advice.to(advice).withExceptionHandler(h);
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

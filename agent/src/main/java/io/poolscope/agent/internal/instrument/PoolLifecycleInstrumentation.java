package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.pools.PoolAdapters;
import io.poolscope.agent.internal.pools.PoolClasses;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Constructors and close methods of one known pool, as its adapter declares them: pools created and
 * closed, so a process that builds a pool per job shows up as created - closed growing. One
 * instance per adapter (OpenTelemetry's TypeInstrumentation shape: a type matcher and what to do
 * with a matched type); {@link Instrumenter} installs {@link #all()} in one loop.
 */
final class PoolLifecycleInstrumentation {
  private final PoolClasses classes;

  private PoolLifecycleInstrumentation(PoolClasses classes) {
    this.classes = classes;
  }

  /** One per adapter that declares pool classes. */
  static List<PoolLifecycleInstrumentation> all() {
    List<PoolLifecycleInstrumentation> out = new ArrayList<>();
    for (PoolAdapter a : PoolAdapters.all()) {
      if (!a.poolClasses().isEmpty()) {
        out.add(new PoolLifecycleInstrumentation(a.classes()));
      }
    }
    return out;
  }

  /** The pool classes; a subclass is covered by the constructor chain and inherited close. */
  ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(classes.types().toArray(new String[0]));
  }

  /** Its constructors count a pool created; its close methods a pool closed. */
  Transformation transformation(Advice.ExceptionHandler handler) {
    AsmVisitorWrapper created = Instrumenter.advise(CreatedAdvice.class, isConstructor(), handler);
    if (classes.closeMethods().isEmpty()) {
      return Transformation.of(typeMatcher(), created);
    }
    return Transformation.of(
        typeMatcher(), created, Instrumenter.advise(ClosedAdvice.class, closeMethods(), handler));
  }

  private ElementMatcher<MethodDescription> closeMethods() {
    return namedOneOf(classes.closeMethods().toArray(new String[0]))
        .and(takesArguments(0).or(takesArguments(boolean.class)))
        .and(not(isAbstract()));
  }

  /** Around a pool constructor: it opens its first connections there (HikariCP's fail-fast). */
  static final class CreatedAdvice {
    private CreatedAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
      Bridge.poolConstructing();
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object pool) {
      Bridge.poolCreated(pool);
    }
  }

  /** Entering a pool's close method; repeated closes count once. */
  static final class ClosedAdvice {
    private ClosedAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool) {
      Bridge.poolClosed(pool);
    }
  }
}

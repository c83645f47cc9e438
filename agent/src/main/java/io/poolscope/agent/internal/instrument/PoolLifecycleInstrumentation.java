package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.pools.PoolAdapters;
import java.util.LinkedHashSet;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Constructors and close methods of the known pools: pools created and closed, so a process that
 * builds a pool per job shows up as created - closed growing.
 */
final class PoolLifecycleInstrumentation {
  private PoolLifecycleInstrumentation() {}

  static ElementMatcher<TypeDescription> types() {
    return namedOneOf(PoolAdapters.poolClassNames().toArray(new String[0]));
  }

  static ElementMatcher<MethodDescription> constructors() {
    return isConstructor();
  }

  static ElementMatcher<MethodDescription> closeMethods() {
    Set<String> names = new LinkedHashSet<>();
    for (PoolAdapter a : PoolAdapters.known()) {
      names.addAll(a.closeMethods());
    }
    return namedOneOf(names.toArray(new String[0]))
        .and(takesArguments(0).or(takesArguments(boolean.class)))
        .and(not(isAbstract()));
  }

  /** After a pool constructor returns. */
  static final class CreatedAdvice {
    private CreatedAdvice() {}

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

package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.poolscope.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code Connection.close()} of every connection class: ends a lease when the connection is one
 * that getConnection returned, and a physical connection when a driver's connection is closed.
 */
final class ConnectionCloseInstrumentation {
  private ConnectionCloseInstrumentation() {}

  static ElementMatcher<TypeDescription> types() {
    return Matchers.concrete().and(Matchers.subtypeOf("java.sql.Connection"));
  }

  static ElementMatcher<MethodDescription> methods() {
    return named("close").and(takesArguments(0)).and(not(isAbstract()));
  }

  /** Inlined into close(). */
  static final class CloseAdvice {
    private CloseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object connection) {
      return Bridge.closeEnter(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object token,
        @Advice.This Object connection,
        @Advice.Thrown Throwable thrown) {
      Bridge.closeExit(token, connection, thrown);
    }
  }
}

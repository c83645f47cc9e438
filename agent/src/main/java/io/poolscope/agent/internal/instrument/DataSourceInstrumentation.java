package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.poolscope.agent.bootstrap.Bridge;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code DataSource.getConnection()} and {@code getConnection(user, password)} of every pool and
 * wrapper: a lease. Driver data sources are left to {@link DriverInstrumentation}.
 */
final class DataSourceInstrumentation {
  /**
   * Classes instrumented by name, not by type: Tomcat's pool implements getConnection in a
   * DataSourceProxy, which is no DataSource.
   */
  static final List<String> NAMED =
      Collections.singletonList("org.apache.tomcat.jdbc.pool.DataSourceProxy");

  private DataSourceInstrumentation() {}

  static ElementMatcher<TypeDescription> types() {
    return Matchers.concrete()
        .and(
            Matchers.subtypeOf("javax.sql.DataSource").or(namedOneOf(NAMED.toArray(new String[0]))))
        .and(not(Matchers.driverDataSource()))
        .and(not(Matchers.poolInternal()));
  }

  static ElementMatcher<MethodDescription> methods() {
    return named("getConnection")
        .and(takesArguments(0).or(takesArguments(String.class, String.class)))
        .and(not(isAbstract()));
  }

  /** Inlined into getConnection: no state, one call into the bootstrap bridge each way. */
  static final class LeaseAdvice {
    private LeaseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object dataSource) {
      return Bridge.leaseEnter(dataSource);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object token,
        @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Bridge.leaseExit(token, connection, thrown);
    }
  }
}

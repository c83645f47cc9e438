package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.poolscope.agent.bootstrap.Bridge;
import java.util.Properties;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Physical opens: {@code Driver.connect(url, info)} of every driver (so DriverManager users are
 * covered), and the connection methods of drivers' own data sources, some of which (H2's) never go
 * through a Driver. A call-depth guard makes a data source calling its driver one open.
 */
final class DriverInstrumentation {
  private DriverInstrumentation() {}

  static ElementMatcher<TypeDescription> driverTypes() {
    return Matchers.concrete().and(Matchers.subtypeOf("java.sql.Driver"));
  }

  static ElementMatcher<MethodDescription> driverMethods() {
    return named("connect")
        .and(takesArguments(String.class, Properties.class))
        .and(not(isAbstract()));
  }

  static ElementMatcher<TypeDescription> sourceTypes() {
    return Matchers.concrete()
        // CommonDataSource, not DataSource: PostgreSQL implements getConnection in a
        // BaseDataSource that is only a CommonDataSource.
        .and(Matchers.subtypeOf("javax.sql.CommonDataSource"))
        .and(Matchers.driverDataSource());
  }

  static ElementMatcher<MethodDescription> sourceMethods() {
    return namedOneOf("getConnection", "getPooledConnection", "getXAConnection")
        .and(takesArguments(0))
        .and(not(isAbstract()));
  }

  /** The variants that name a user and password: the user name is what is kept. */
  static ElementMatcher<MethodDescription> sourceMethodsWithUser() {
    return namedOneOf("getConnection", "getPooledConnection", "getXAConnection")
        .and(takesArguments(String.class, String.class))
        .and(not(isAbstract()));
  }

  static ElementMatcher<TypeDescription> pooledConnectionTypes() {
    return Matchers.concrete()
        .and(Matchers.subtypeOf("javax.sql.PooledConnection"))
        .and(Matchers.driverPackage());
  }

  static ElementMatcher<MethodDescription> pooledConnectionClose() {
    return named("close").and(takesArguments(0)).and(not(isAbstract()));
  }

  /** Driver.connect(url, info). */
  static final class ConnectAdvice {
    private ConnectAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This Object driver,
        @Advice.Argument(0) String url,
        @Advice.Argument(1) Properties info) {
      return Bridge.physicalEnter(driver, url, info);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object token,
        @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Bridge.physicalExit(token, connection, thrown);
    }
  }

  /** A driver data source's getConnection / getPooledConnection / getXAConnection. */
  static final class SourceAdvice {
    private SourceAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object source) {
      return Bridge.physicalEnter(source, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object token,
        @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Bridge.physicalExit(token, connection, thrown);
    }
  }

  /** A driver data source's getConnection(user, password) and its pooled and XA variants. */
  static final class SourceUserAdvice {
    private SourceUserAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object source, @Advice.Argument(0) String user) {
      return Bridge.physicalEnterAs(source, user);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object token,
        @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Bridge.physicalExit(token, connection, thrown);
    }
  }

  /** PooledConnection.close() of a driver: the physical connection behind it is gone. */
  static final class PooledCloseAdvice {
    private PooledCloseAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pooled) {
      Bridge.physicalClose(pooled);
    }
  }
}

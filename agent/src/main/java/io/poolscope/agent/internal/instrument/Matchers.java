package io.poolscope.agent.internal.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.poolscope.agent.internal.pools.Drivers;
import io.poolscope.agent.internal.pools.PoolAdapters;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Type matchers shared by the instrumentations. */
final class Matchers {
  private Matchers() {}

  /** Classes, abstract ones included: Hikari's close() lives in an abstract ProxyConnection. */
  static ElementMatcher.Junction<TypeDescription> concrete() {
    return not(isInterface());
  }

  /** A subtype of one of the JDBC types the class file filter knows: it must let the class by. */
  static ElementMatcher.Junction<TypeDescription> subtypeOf(String name) {
    if (!ClassFileFilter.JDBC.contains(name.replace('.', '/'))) {
      throw new IllegalArgumentException(name + " is not in ClassFileFilter.JDBC");
    }
    return hasSuperType(named(name));
  }

  static ElementMatcher.Junction<TypeDescription> prefixes(List<String> list) {
    ElementMatcher.Junction<TypeDescription> m = none();
    for (String p : list) {
      m = m.or(nameStartsWith(p));
    }
    return m;
  }

  static ElementMatcher.Junction<TypeDescription> driverPackage() {
    return prefixes(Drivers.PACKAGES);
  }

  static ElementMatcher.Junction<TypeDescription> driverDataSource() {
    return driverPackage().and(not(prefixes(PoolAdapters.poolsInDriverPackages())));
  }

  static ElementMatcher.Junction<TypeDescription> poolInternal() {
    return prefixes(PoolAdapters.internalSources());
  }
}

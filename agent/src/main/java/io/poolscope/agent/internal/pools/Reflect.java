package io.poolscope.agent.internal.pools;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads pool configuration by name, so the agent compiles against no pool and tolerates every
 * version: a getter that does not exist in some version simply yields null. Runs on the export
 * thread (and on rare physical opens), never per lease.
 */
final class Reflect {
  private static final ClassValue<ConcurrentHashMap<String, Optional<Method>>> METHODS =
      new ClassValue<ConcurrentHashMap<String, Optional<Method>>>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Method>> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private Reflect() {}

  /** Calls the first public no-argument method of these names that exists; null if none. */
  static Object call(Object target, String... names) {
    if (target == null) {
      return null;
    }
    for (String name : names) {
      Optional<Method> m =
          METHODS
              .get(target.getClass())
              .computeIfAbsent(name, n -> Optional.ofNullable(find(target.getClass(), n)));
      if (m.isPresent()) {
        try {
          return m.get().invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static Method find(Class<?> type, String name) {
    try {
      Method m = type.getMethod(name);
      try {
        m.setAccessible(true);
      } catch (RuntimeException e) {
        // A public method of a public type works without it.
      }
      return m;
    } catch (NoSuchMethodException | SecurityException e) {
      return null;
    }
  }

  static Integer integer(Object target, String... names) {
    Object v = call(target, names);
    return v instanceof Number ? ((Number) v).intValue() : null;
  }

  static Long along(Object target, String... names) {
    Object v = call(target, names);
    return v instanceof Number ? ((Number) v).longValue() : null;
  }

  static String string(Object target, String... names) {
    Object v = call(target, names);
    return v == null ? null : v.toString();
  }

  /** Reads a declared field anywhere up the hierarchy (for pools without a getter). */
  static Object field(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // keep looking in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}

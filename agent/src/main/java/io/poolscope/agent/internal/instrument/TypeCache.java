package io.poolscope.agent.internal.instrument;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Caches parsed type descriptions per class loader. Matching "is a subtype of DataSource" walks the
 * hierarchy of every class loaded; without a cache each superclass is parsed again for every
 * subclass, which made start-up several times slower. The map's weak keys alone do not release a
 * loader: each cached description refers to its type pool, whose class file locator holds the
 * loader, so the value keeps its own key alive and an undeployed web application stayed in memory
 * for good (ClassLoadingIT). The export thread therefore empties the cache every interval ({@link
 * #clear()}); bursts of class loading (start-up, a deployment) still get it.
 */
final class TypeCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
  private static final Object BOOTSTRAP = new Object();
  private final Map<Object, TypePool.CacheProvider> caches = new WeakHashMap<>();

  TypeCache() {
    super(TypePool.Default.ReaderMode.FAST);
  }

  /** Drops every cached description, releasing the class loaders they refer to. */
  void clear() {
    synchronized (caches) {
      caches.clear();
    }
  }

  @Override
  protected TypePool.CacheProvider locate(ClassLoader loader) {
    Object key = loader == null ? BOOTSTRAP : loader;
    synchronized (caches) {
      return caches.computeIfAbsent(key, k -> new TypePool.CacheProvider.Simple());
    }
  }
}

package io.poolscope.agent.internal.instrument;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Caches parsed type descriptions per class loader. Matching "is a subtype of DataSource" walks the
 * hierarchy of every class loaded; without a cache each superclass is parsed again for every
 * subclass, which made start-up several times slower. Class loaders are held weakly, so an
 * undeployed web application is not kept alive.
 */
final class TypeCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
  private static final Object BOOTSTRAP = new Object();
  private final Map<Object, TypePool.CacheProvider> caches = new WeakHashMap<>();

  TypeCache() {
    super(TypePool.Default.ReaderMode.FAST);
  }

  @Override
  protected TypePool.CacheProvider locate(ClassLoader loader) {
    Object key = loader == null ? BOOTSTRAP : loader;
    synchronized (caches) {
      return caches.computeIfAbsent(key, k -> new TypePool.CacheProvider.Simple());
    }
  }
}

package io.poolscope.agent.internal.record;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A small set of classes, read on the hot path without a lock or an allocation, that holds them
 * weakly: a class of a web application (its pool's connection proxy, its driver's connection) must
 * not keep that application's class loader alive after it is undeployed (ClassLoadingIT). Adding is
 * rare (once per class) and drops the entries of classes already collected.
 */
final class ClassSet {
  @SuppressWarnings("unchecked")
  private volatile WeakReference<Class<?>>[] classes = new WeakReference[0];

  boolean contains(Class<?> c) {
    for (WeakReference<Class<?>> x : classes) {
      if (x.get() == c) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  synchronized void add(Class<?> c) {
    if (contains(c)) {
      return;
    }
    List<WeakReference<Class<?>>> next = new ArrayList<>();
    for (WeakReference<Class<?>> x : classes) {
      if (x.get() != null) {
        next.add(x);
      }
    }
    next.add(new WeakReference<>(c));
    classes = next.toArray(new WeakReference[0]);
  }
}

package io.poolscope.agent.internal.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.poolscope.agent.internal.target.DbTarget;

/** Attribute keys of the telemetry contract (DESIGN.md section 3). */
final class Attrs {
  static final AttributeKey<String> POOL_NAME =
      AttributeKey.stringKey("db.client.connection.pool.name");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> DB_USER = AttributeKey.stringKey("db.user");
  static final AttributeKey<String> REFUSED_LIMIT =
      AttributeKey.stringKey("poolscope.refused.limit");
  static final AttributeKey<String> LEAK_STATE = AttributeKey.stringKey("poolscope.leak.state");
  static final AttributeKey<String> CLOSE_REASON = AttributeKey.stringKey("poolscope.close.reason");
  static final AttributeKey<String> POOL_TYPE = AttributeKey.stringKey("poolscope.pool.type");
  static final AttributeKey<String> POOL_FAMILY = AttributeKey.stringKey("poolscope.pool.family");
  static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");
  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  static final AttributeKey<Double> LEASE_AGE = AttributeKey.doubleKey("poolscope.lease.age");
  static final AttributeKey<String> LEASE_ID = AttributeKey.stringKey("poolscope.lease.id");
  static final AttributeKey<String> STACKTRACE = AttributeKey.stringKey("code.stacktrace");
  static final AttributeKey<String> HOLDER = AttributeKey.stringKey("poolscope.holder.stacktrace");

  private Attrs() {}

  static AttributesBuilder target(AttributesBuilder b, DbTarget t) {
    b.put(SYSTEM, t.system());
    if (t.address() != null) {
      b.put(ADDRESS, t.address());
    }
    if (t.port() >= 0) {
      b.put(PORT, (long) t.port());
    }
    if (t.namespace() != null) {
      b.put(NAMESPACE, t.namespace());
    }
    return b;
  }

  static Attributes pool(String name, DbTarget t) {
    return target(Attributes.builder().put(POOL_NAME, name), t).build();
  }

  /** A pool metric's attributes: name, family and target. */
  static Attributes pool(String name, String family, DbTarget t) {
    return target(Attributes.builder().put(POOL_NAME, name).put(POOL_FAMILY, family), t).build();
  }
}

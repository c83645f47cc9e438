package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Builds each kind of pool the way an application would. Each branch only touches its own pool's
 * classes, so the child JVM needs only that pool's jars on its class path.
 */
final class AppPools {
  private AppPools() {}

  interface Pool extends AutoCloseable {
    DataSource dataSource();

    /** Changes the borrow timeout of a running pool. */
    void timeout(int ms) throws Exception;

    @Override
    void close() throws Exception;
  }

  static final class Spec {
    String url;
    String user;
    String password;
    int max = 3;
    int minIdle = 1;
    int timeoutMs = 200;
    String name = "orders-pool";
  }

  static Pool create(String kind, Spec s) throws Exception {
    switch (kind) {
      case "hikari":
        return hikari(s);
      case "dbcp2":
        return dbcp2(s);
      case "c3p0":
        return c3p0(s);
      case "tomcat":
        return tomcat(s);
      case "h2":
        return h2(s);
      case "vibur":
        return vibur(s);
      case "agroal":
        return agroal(s);
      case "ucp":
        return ucp(s);
      case "druid":
        return druid(s);
      case "custom":
        return custom(s);
      default:
        if (kind.startsWith("class:")) {
          // A data source class compiled elsewhere (e.g. to Java 25 bytecode by the test).
          DataSource ds =
              (DataSource)
                  Class.forName(kind.substring(6))
                      .getConstructor(String.class, String.class, String.class, int.class)
                      .newInstance(s.url, s.user, s.password, s.max);
          return of(ds, () -> {}, ms -> {});
        }
    }
    throw new IllegalArgumentException(kind);
  }

  private static Pool hikari(Spec s) {
    com.zaxxer.hikari.HikariConfig c = new com.zaxxer.hikari.HikariConfig();
    c.setJdbcUrl(s.url);
    c.setUsername(s.user);
    c.setPassword(s.password);
    c.setMaximumPoolSize(s.max);
    c.setMinimumIdle(s.minIdle);
    c.setConnectionTimeout(Math.max(250, s.timeoutMs));
    c.setPoolName(s.name);
    com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(c);
    return of(
        ds, ds::close, ms -> ds.getHikariConfigMXBean().setConnectionTimeout(Math.max(250, ms)));
  }

  @SuppressWarnings("deprecation")
  private static Pool dbcp2(Spec s) {
    org.apache.commons.dbcp2.BasicDataSource ds = new org.apache.commons.dbcp2.BasicDataSource();
    ds.setUrl(s.url);
    ds.setUsername(s.user);
    ds.setPassword(s.password);
    ds.setMaxTotal(s.max);
    ds.setMaxIdle(s.max);
    ds.setMinIdle(s.minIdle);
    ds.setMaxWaitMillis(s.timeoutMs);
    return of(ds, ds::close, ds::setMaxWaitMillis);
  }

  private static Pool c3p0(Spec s) throws Exception {
    com.mchange.v2.c3p0.ComboPooledDataSource ds = new com.mchange.v2.c3p0.ComboPooledDataSource();
    ds.setJdbcUrl(s.url);
    ds.setUser(s.user);
    ds.setPassword(s.password);
    ds.setMaxPoolSize(s.max);
    ds.setMinPoolSize(s.minIdle);
    ds.setInitialPoolSize(s.minIdle);
    ds.setCheckoutTimeout(s.timeoutMs);
    ds.setDataSourceName(s.name);
    return of(ds, ds::close, ds::setCheckoutTimeout);
  }

  private static Pool tomcat(Spec s) {
    org.apache.tomcat.jdbc.pool.DataSource ds = new org.apache.tomcat.jdbc.pool.DataSource();
    ds.setUrl(s.url);
    ds.setDriverClassName(driverClass(s.url));
    ds.setUsername(s.user);
    ds.setPassword(s.password);
    ds.setMaxActive(s.max);
    ds.setMaxIdle(s.max);
    ds.setMinIdle(s.minIdle);
    ds.setInitialSize(s.minIdle);
    ds.setMaxWait(s.timeoutMs);
    ds.setName(s.name);
    return of(ds, ds::close, ms -> ds.getPoolProperties().setMaxWait(ms));
  }

  private static Pool h2(Spec s) {
    org.h2.jdbcx.JdbcConnectionPool ds =
        org.h2.jdbcx.JdbcConnectionPool.create(s.url, s.user, s.password);
    ds.setMaxConnections(s.max);
    ds.setLoginTimeout(Math.max(1, s.timeoutMs / 1000));
    return of(ds, ds::dispose, ms -> ds.setLoginTimeout(Math.max(1, ms / 1000)));
  }

  private static Pool vibur(Spec s) {
    org.vibur.dbcp.ViburDBCPDataSource ds = new org.vibur.dbcp.ViburDBCPDataSource();
    ds.setJdbcUrl(s.url);
    ds.setUsername(s.user);
    ds.setPassword(s.password);
    ds.setPoolInitialSize(s.minIdle);
    ds.setPoolMaxSize(s.max);
    ds.setConnectionTimeoutInMs(s.timeoutMs);
    ds.setName(s.name);
    ds.start();
    return of(ds, ds::close, ds::setConnectionTimeoutInMs);
  }

  private static Pool agroal(Spec s) throws SQLException {
    io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier cfg =
        new io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(
                cp ->
                    cp.maxSize(s.max)
                        .minSize(s.minIdle)
                        .acquisitionTimeout(java.time.Duration.ofMillis(s.timeoutMs))
                        .connectionFactoryConfiguration(
                            cf ->
                                cf.jdbcUrl(s.url)
                                    .principal(new io.agroal.api.security.NamePrincipal(s.user))
                                    .credential(
                                        new io.agroal.api.security.SimplePassword(s.password))));
    io.agroal.api.AgroalDataSource ds = io.agroal.api.AgroalDataSource.from(cfg);
    return of(ds, ds::close, ms -> {});
  }

  /**
   * Oracle UCP pooling H2 through its driver class. UCP has no close on the data source: a pool is
   * destroyed by name through the pool manager. Its borrow timeout is in whole seconds.
   */
  private static Pool ucp(Spec s) throws SQLException {
    oracle.ucp.jdbc.PoolDataSource ds = oracle.ucp.jdbc.PoolDataSourceFactory.getPoolDataSource();
    ds.setConnectionFactoryClassName(driverClass(s.url));
    ds.setURL(s.url);
    ds.setUser(s.user);
    ds.setPassword(s.password);
    ds.setConnectionPoolName(s.name);
    ds.setMaxPoolSize(s.max);
    ds.setMinPoolSize(s.minIdle);
    ds.setInitialPoolSize(s.minIdle);
    ds.setConnectionWaitTimeout(Math.max(1, s.timeoutMs / 1000));
    return of(
        ds,
        () ->
            oracle.ucp.admin.UniversalConnectionPoolManagerImpl.getUniversalConnectionPoolManager()
                .destroyConnectionPool(s.name),
        ms -> ds.setConnectionWaitTimeout(Math.max(1, ms / 1000)));
  }

  private static Pool druid(Spec s) {
    com.alibaba.druid.pool.DruidDataSource ds = new com.alibaba.druid.pool.DruidDataSource();
    ds.setUrl(s.url);
    ds.setDriverClassName(driverClass(s.url));
    ds.setUsername(s.user);
    ds.setPassword(s.password);
    ds.setMaxActive(s.max);
    ds.setMinIdle(s.minIdle);
    ds.setInitialSize(s.minIdle);
    ds.setMaxWait(s.timeoutMs);
    // Without a validation query Druid logs an error for its default testWhileIdle.
    ds.setValidationQuery("select 1");
    ds.setName(s.name);
    return of(ds, ds::close, ds::setMaxWait);
  }

  private static Pool custom(Spec s) {
    InHousePool ds = new InHousePool(s.url, s.user, s.password, s.max);
    return of(ds, ds::shutdown, ms -> {});
  }

  static String driverClass(String url) {
    return url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver";
  }

  interface Closer {
    void close() throws Exception;
  }

  interface Timeout {
    void set(int ms) throws Exception;
  }

  private static Pool of(DataSource ds, Closer closer, Timeout timeout) {
    return new Pool() {
      @Override
      public DataSource dataSource() {
        return ds;
      }

      @Override
      public void timeout(int ms) throws Exception {
        timeout.set(ms);
      }

      @Override
      public void close() throws Exception {
        closer.close();
      }
    };
  }

  static void use(Connection c) throws SQLException {
    try (java.sql.Statement st = c.createStatement()) {
      st.execute("select 1");
    }
  }
}

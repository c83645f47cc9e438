package io.poolscope.benchmarks.internal.stub;

import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection that holds only the state pools read and reset on borrow and return (auto-commit,
 * read-only, isolation, catalog, schema, network timeout) and does no I/O. Statements are not
 * supported: the stub benchmarks measure the pool, not queries.
 */
final class StubConnection implements Connection {

  private final String url;
  private volatile boolean closed;
  private boolean autoCommit = true;
  private boolean readOnly;
  private int isolation = TRANSACTION_READ_COMMITTED;
  private String catalog = "stub";
  private String schema = "public";
  private int networkTimeout;
  private Map<String, Class<?>> typeMap = Map.of();
  private int holdability = java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT;
  private final Properties clientInfo = new Properties();

  StubConnection(String url) {
    this.url = url;
  }

  private static SQLException unsupported() {
    return new SQLFeatureNotSupportedException("the stub driver runs no statements");
  }

  @Override
  public Statement createStatement() throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    throw unsupported();
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    throw unsupported();
  }

  @Override
  public String nativeSQL(String sql) {
    return sql;
  }

  @Override
  public void setAutoCommit(boolean autoCommit) {
    this.autoCommit = autoCommit;
  }

  @Override
  public boolean getAutoCommit() {
    return autoCommit;
  }

  @Override
  public void commit() {}

  @Override
  public void rollback() {}

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public DatabaseMetaData getMetaData() {
    // Only agents and pools at start-up ask for it (URL, product name), never per borrow.
    return (DatabaseMetaData)
        Proxy.newProxyInstance(
            DatabaseMetaData.class.getClassLoader(),
            new Class<?>[] {DatabaseMetaData.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "getURL":
                  return url;
                case "getDatabaseProductName":
                  return "Stub";
                case "getDatabaseProductVersion":
                case "getDriverVersion":
                  return "1.0";
                case "getDriverName":
                  return "stub";
                case "getUserName":
                  return "bench";
                case "getConnection":
                  return this;
                case "getJDBCMajorVersion":
                  return 4;
                case "getJDBCMinorVersion":
                  return 2;
                default:
                  Class<?> type = method.getReturnType();
                  if (type == boolean.class) {
                    return false;
                  } else if (type == int.class) {
                    return 0;
                  }
                  return null;
              }
            });
  }

  @Override
  public void setReadOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  @Override
  public void setCatalog(String catalog) {
    this.catalog = catalog;
  }

  @Override
  public String getCatalog() {
    return catalog;
  }

  @Override
  public void setTransactionIsolation(int level) {
    this.isolation = level;
  }

  @Override
  public int getTransactionIsolation() {
    return isolation;
  }

  @Override
  public SQLWarning getWarnings() {
    return null;
  }

  @Override
  public void clearWarnings() {}

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency)
      throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    throw unsupported();
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    throw unsupported();
  }

  @Override
  public Map<String, Class<?>> getTypeMap() {
    return typeMap;
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) {
    this.typeMap = map;
  }

  @Override
  public void setHoldability(int holdability) {
    this.holdability = holdability;
  }

  @Override
  public int getHoldability() {
    return holdability;
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    throw unsupported();
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    throw unsupported();
  }

  @Override
  public void rollback(Savepoint savepoint) {}

  @Override
  public void releaseSavepoint(Savepoint savepoint) {}

  @Override
  public Statement createStatement(
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    throw unsupported();
  }

  @Override
  public CallableStatement prepareCall(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    throw unsupported();
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    throw unsupported();
  }

  @Override
  public Clob createClob() throws SQLException {
    throw unsupported();
  }

  @Override
  public Blob createBlob() throws SQLException {
    throw unsupported();
  }

  @Override
  public NClob createNClob() throws SQLException {
    throw unsupported();
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    throw unsupported();
  }

  @Override
  public boolean isValid(int timeout) {
    return !closed;
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    clientInfo.setProperty(name, value);
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    clientInfo.putAll(properties);
  }

  @Override
  public String getClientInfo(String name) {
    return clientInfo.getProperty(name);
  }

  @Override
  public Properties getClientInfo() {
    return clientInfo;
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    throw unsupported();
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    throw unsupported();
  }

  @Override
  public void setSchema(String schema) {
    this.schema = schema;
  }

  @Override
  public String getSchema() {
    return schema;
  }

  @Override
  public void abort(Executor executor) {
    closed = true;
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) {
    this.networkTimeout = milliseconds;
  }

  @Override
  public int getNetworkTimeout() {
    return networkTimeout;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}

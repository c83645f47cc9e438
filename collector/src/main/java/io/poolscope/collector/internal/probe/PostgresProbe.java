package io.poolscope.collector.internal.probe;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL: {@code max_connections} minus the slots ordinary users can never get ({@code
 * superuser_reserved_connections}, and {@code reserved_connections} from 16 on), the server's
 * identity ({@code system_identifier} of {@code pg_control_system()} and the port), each database's
 * {@code datconnlimit} and each login role's {@code rolconnlimit} with their counts, and the client
 * backends of {@code pg_stat_activity} by database, role, application name and client address.
 *
 * <p>The queries run in one read-only transaction: PostgreSQL takes one snapshot of {@code
 * pg_stat_activity} per transaction, so the server's, the databases' and the roles' counts agree
 * exactly. The monitoring user needs {@code pg_monitor} to see other users' client addresses and,
 * for the identity, EXECUTE on {@code pg_control_system()} (superusers and {@code pg_monitor}
 * members have it); without it the identity is null and the figures stay.
 */
final class PostgresProbe implements DatabaseProbe {

  private static final String CLIENTS =
      " from pg_stat_activity a where a.backend_type = 'client backend'"
          + " and a.pid <> pg_backend_pid()";

  @Override
  public ProbeResult read(Connection c, int timeoutSeconds, long now) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      ProbeResult r = read(s, now);
      c.commit();
      return r;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static ProbeResult read(Statement s, long now) throws SQLException {
    int max;
    int superuserReserved;
    Integer reservedConnections;
    int port;
    try (ResultSet rs =
        s.executeQuery(
            "select current_setting('max_connections')::int,"
                + " current_setting('superuser_reserved_connections')::int,"
                // missing_ok = true: null before PostgreSQL 16 instead of an error.
                + " current_setting('reserved_connections', true)::int,"
                + " current_setting('port')::int")) {
      rs.next();
      max = rs.getInt(1);
      superuserReserved = rs.getInt(2);
      reservedConnections = (Integer) rs.getObject(3);
      port = rs.getInt(4);
    }
    String identity = identity(s, port);
    List<ProbeResult.Session> sessions = new ArrayList<>();
    int actual = 0;
    try (ResultSet rs =
        s.executeQuery(
            "select coalesce(a.datname, ''), coalesce(a.usename, ''),"
                + " coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'),"
                + " count(*)::int"
                + CLIENTS
                + " group by 1, 2, 3, 4 order by 5 desc, 1, 2, 3, 4")) {
      while (rs.next()) {
        int n = rs.getInt(5);
        actual += n;
        sessions.add(
            new ProbeResult.Session(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), n));
      }
    }
    List<ProbeResult.Scope> databases =
        scopes(
            s,
            "select d.datname, case when d.datconnlimit < 0 then null else d.datconnlimit end,"
                + " count(a.pid)::int from pg_database d left join pg_stat_activity a"
                + " on a.datid = d.oid and a.backend_type = 'client backend'"
                + " and a.pid <> pg_backend_pid()"
                // Templates only when someone is connected to one.
                + " where d.datallowconn and (not d.datistemplate or a.pid is not null)"
                + " group by d.datname, d.datconnlimit order by 1");
    List<ProbeResult.Scope> roles =
        scopes(
            s,
            // Superusers are not subject to rolconnlimit.
            "select r.rolname,"
                + " case when r.rolsuper or r.rolconnlimit < 0 then null else r.rolconnlimit end,"
                + " count(a.pid)::int from pg_roles r left join pg_stat_activity a"
                + " on a.usesysid = r.oid and a.backend_type = 'client backend'"
                + " and a.pid <> pg_backend_pid()"
                + " where r.rolcanlogin or a.pid is not null"
                + " group by r.rolname, r.rolsuper, r.rolconnlimit order by 1");
    ProbeResult.Server server =
        new ProbeResult.Server(identity, max, superuserReserved, reservedConnections, null);
    return ProbeResult.ok(now, server, actual, Clients.of(sessions), databases, roles, sessions);
  }

  /**
   * {@code postgresql:<system_identifier>:<port>}. A streaming standby has its primary's
   * system_identifier, so the port is what tells a primary and a standby on one host apart.
   */
  private static String identity(Statement s, int port) throws SQLException {
    Connection c = s.getConnection();
    java.sql.Savepoint sp = c.setSavepoint();
    try (ResultSet rs = s.executeQuery("select system_identifier from pg_control_system()")) {
      rs.next();
      return "postgresql:" + rs.getString(1) + ":" + port;
    } catch (SQLException e) {
      // No EXECUTE on pg_control_system(): the figures do not depend on it.
      c.rollback(sp);
      return null;
    }
  }

  private static List<ProbeResult.Scope> scopes(Statement s, String sql) throws SQLException {
    List<ProbeResult.Scope> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new ProbeResult.Scope(rs.getString(1), (Integer) rs.getObject(2), rs.getInt(3)));
      }
    }
    return out;
  }
}

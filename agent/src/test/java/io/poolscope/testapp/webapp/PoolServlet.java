package io.poolscope.testapp.webapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A web application's servlet with its own HikariCP and H2 in {@code WEB-INF/lib}: the test copies
 * this class into {@code WEB-INF/classes}, so the container's child-first loader, not the system
 * loader, defines it and the pool. {@code GET ?n=N} borrows and returns N connections, each
 * inserting one row, and answers with the row count and the loaders that defined the pool.
 */
public final class PoolServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private transient HikariDataSource pool;

  @Override
  public void init() {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:webapp;DB_CLOSE_DELAY=-1");
    c.setUsername("sa");
    c.setPassword("");
    c.setPoolName("webapp-pool");
    c.setMaximumPoolSize(2);
    c.setMinimumIdle(1);
    pool = new HikariDataSource(c);
    try (Connection conn = pool.getConnection();
        Statement st = conn.createStatement()) {
      st.execute("create table orders(id int auto_increment primary key)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    int n = Integer.parseInt(req.getParameter("n"));
    long rows;
    try {
      for (int i = 0; i < n; i++) {
        try (Connection conn = pool.getConnection();
            Statement st = conn.createStatement()) {
          st.executeUpdate("insert into orders() values()");
        }
      }
      try (Connection conn = pool.getConnection();
          Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("select count(*) from orders")) {
        rs.next();
        rows = rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IOException(e);
    }
    resp.setContentType("text/plain");
    resp.getWriter()
        .print(
            "rows="
                + rows
                + " poolLoader="
                + HikariDataSource.class.getClassLoader().getClass().getName()
                + " driverLoader="
                + loaderOf("org.h2.Driver"));
  }

  private static String loaderOf(String name) {
    try {
      return Class.forName(name, false, PoolServlet.class.getClassLoader())
          .getClassLoader()
          .getClass()
          .getName();
    } catch (ClassNotFoundException e) {
      return "none";
    }
  }

  @Override
  public void destroy() {
    pool.close();
  }
}

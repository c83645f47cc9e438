package io.poolscope.agent.internal.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The user name of an open, and nothing else of the URL or the credentials. */
class DbUserTest {

  /** A data source with a configured user, as drivers' own data sources have. */
  public static final class Source {
    public String getUser() {
      return "configured";
    }
  }

  @Test
  void theOpensOwnUserComesFirstThenTheUrlThenTheDataSource() {
    String url = "jdbc:postgresql://db:5432/shop?user=from_url&password=pw";
    assertThat(DbUser.of("given", url, new Source())).isEqualTo("given");
    assertThat(DbUser.of(null, url, new Source())).isEqualTo("from_url");
    assertThat(DbUser.of(null, "jdbc:postgresql://db/shop", new Source())).isEqualTo("configured");
    assertThat(DbUser.of(null, null, new Object())).isEqualTo(DbUser.UNKNOWN);
  }

  @Test
  void everyUrlFormGivesTheNameAlone() {
    assertThat(DbUser.fromUrl("jdbc:postgresql://h/db?ssl=true&user=app&password=x"))
        .isEqualTo("app");
    assertThat(DbUser.fromUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD=pw"))
        .isEqualTo("sa");
    assertThat(DbUser.fromUrl("jdbc:mysql://app:s3cret@db:3306/shop")).isEqualTo("app");
    assertThat(DbUser.fromUrl("jdbc:oracle:thin:scott/tiger@db:1521/svc")).isEqualTo("scott");
    assertThat(DbUser.fromUrl("jdbc:sqlserver://db;databaseName=x;User ID=ops;Password=pw"))
        .isEqualTo("ops");
    // "user=" inside another setting's name is not a user setting.
    assertThat(DbUser.fromUrl("jdbc:postgresql://h/db?otheruser=x")).isNull();
    assertThat(DbUser.fromUrl("jdbc:postgresql://h/db?options=a@b")).isNull();
  }

  @Test
  void overlongOrControlCharacterNamesAreUnknownRatherThanCut() {
    assertThat(DbUser.of("a".repeat(129), null, null)).isEqualTo(DbUser.UNKNOWN);
    assertThat(DbUser.of("a".repeat(128), null, null)).hasSize(128);
    assertThat(DbUser.of("bad\nname", null, null)).isEqualTo(DbUser.UNKNOWN);
  }
}

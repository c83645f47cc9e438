package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The export timeout bounds the whole exchange: against a server that answers every request with
 * its headers and then never sends the body it announced, the agent's export thread gives up after
 * the timeout and tries again (with backoff), instead of waiting for that body for good.
 */
class ExportTimeoutIT {

  /** Reads each request, answers "200, 1,000 bytes follow", and sends none of them. */
  static final class HeadersOnlyServer implements AutoCloseable {
    final ServerSocket server;
    final List<Long> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    HeadersOnlyServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "headers-only-server");
      t.setDaemon(true);
      t.start();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          sockets.add(s);
          maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          Thread t = new Thread(() -> serve(s), "headers-only-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        String head = readHead(in);
        if (head == null) {
          return;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.readNBytes(length);
        requests.add(System.nanoTime());
        OutputStream out = s.getOutputStream();
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // The fault: the body never comes. Wait for the client to give up and close.
        while (in.read() != -1) {
          // a client sends nothing more on this connection
        }
      } catch (IOException e) {
        // the client reset the connection: it gave up, as it should
      } finally {
        open.decrementAndGet();
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int b;
      while ((b = in.read()) != -1) {
        sb.append((char) b);
        if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
          return sb.toString();
        }
      }
      return null;
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void exportThreadGivesUpOnAResponseBodyThatNeverComesAndTriesAgain() throws Exception {
    try (HeadersOnlyServer server = new HeadersOnlyServer();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs(
                    "endpoint="
                        + server.endpoint()
                        + ",interval=200ms,timeout=500ms,maxBackoff=1s,leakThreshold=1s")
                .app("pool=hikari", "scenario=leaks", "holdMs=2500")
                .start()) {
      child.awaitStdout("READY");
      // Each attempt waits at most the 500 ms timeout, then at most the 1 s backoff cap: six
      // attempts take under 10 s. A thread waiting for the body makes one attempt, ever.
      Await.until(
          () -> server.requests.size() >= 6,
          30,
          () -> "attempts " + server.requests.size() + " " + child);
      long first = server.requests.get(0);
      long sixth = server.requests.get(5);
      assertThat((sixth - first) / 1_000_000)
          .as("ms from the first to the sixth")
          .isLessThan(15_000);
      // Abandoned exchanges close their connections: they do not pile up.
      Await.until(() -> server.open.get() <= 2, 10, () -> "open " + server.open.get());
      assertThat(server.maxOpen.get()).as("connections open at once").isLessThanOrEqualTo(3);
      child.send("quit");
      child.finish();
    }
  }
}

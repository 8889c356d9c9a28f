package dev.d2llm.function;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An S3 endpoint on loopback that accepts connections and never answers, as a hung store would. */
public class SilentStoreResource implements QuarkusTestResourceLifecycleManager {

  private ServerSocket server;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  @Override
  public Map<String, String> start() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  held.add(server.accept());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "silent-store");
    accept.setDaemon(true);
    accept.start();
    return Map.of(
        "d2llm.index.uri", "s3://silent/index/",
        "d2llm.s3.endpoint", "http://127.0.0.1:" + server.getLocalPort(),
        "d2llm.index.read-timeout", "1S",
        "d2llm.index.connect-timeout", "1S",
        "d2llm.index.retry-initial-delay", "0.1S");
  }

  @Override
  public void stop() {
    try {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

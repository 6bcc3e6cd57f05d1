package dev.bindery.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.http.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher starts with the server when enabled, delivers on its own, and stops with the server. */
class DispatcherLifecycleTest {
  @TempDir Path dir;

  /** Dispatcher threads alive in this JVM (servers of other tests may have their own). */
  private static long dispatcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("bindery-webhook-dispatcher") && t.isAlive()).count();
  }

  @Test
  void enabledDispatcher_deliversWithoutBeingDrivenAndStopsWithTheServer() throws Exception {
    long before = dispatcherThreads();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      TestServer s = TestServer.start(dir, Map.of(BinderyConfig.NOTIFY_ENABLED, "true",
          BinderyConfig.NOTIFY_POLL_INTERVAL, "1", BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true"));
      try {
        s.post("/api/v1/teams", s.adminToken, "{\"id\":\"payments\",\"display_name\":\"Payments\"}");
        s.server.notifications().registerWebhook(dev.bindery.security.Caller.system("t"),
            new dev.bindery.identity.TeamId("payments"), receiver.url("/hook"));

        // the webhook.added notice, posted by the background thread within a few poll intervals
        assertThat(receiver.awaitRequest(30)).as("delivered by the background dispatcher").isTrue();
        assertThat(receiver.received().get(0).header("Bindery-Event")).isEqualTo("webhook.added");
        assertThat(dispatcherThreads()).isEqualTo(before + 1);
      } finally {
        s.close();
      }
      assertThat(dispatcherThreads()).as("stopped with the server").isEqualTo(before);
    }
  }

  @Test
  void disabledDispatcher_startsNoThread() {
    long before = dispatcherThreads();
    TestServer s = TestServer.start(dir, Map.of(BinderyConfig.NOTIFY_ENABLED, "false"));
    try {
      assertThat(dispatcherThreads()).isEqualTo(before);
    } finally {
      s.close();
    }
  }
}

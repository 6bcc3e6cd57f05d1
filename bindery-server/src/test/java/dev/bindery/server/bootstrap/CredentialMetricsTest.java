package dev.bindery.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CredentialMetricsTest {
  private final TestBindery b = TestBindery.inMemory();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CredentialMetrics metrics = new CredentialMetrics(registry, b.clock());
  private final CredentialService service = new CredentialService(b.auditedTransactor(), b.authorizer(),
      new SecureRandom(), b.pki().ca(), metrics);
  private final TestOperator admin = b.admin();

  CredentialMetricsTest() {
    metrics.bind(service);
    b.team("payments");
    b.team("platform");
  }

  private Identity identity() {
    return b.identities().create(b.caller(admin), TestIdentities.workload().owner(new TeamId("payments"))
        .backupTeam(new TeamId("platform")).build()).identity();
  }

  private IssuedSvid enrol(Identity identity) {
    return service.enrol(service.createEnrolmentCode(b.caller(admin), identity.id(), null).code().reveal(),
        TestCsr.ecP256Pem(), "r");
  }

  @Test
  void scrape_showsTheGaugesFromASnapshotRefreshedAfterItsMaxAge() {
    identity(); // no credential
    assertThat(registry.scrape()).contains("bindery_identities_without_credential 1.0")
        .contains("bindery_credentials_never_used 0.0");

    enrol(identity());
    assertThat(registry.scrape()).contains("bindery_credentials_never_used 0.0");
    b.clock().advance(CredentialMetrics.GAUGE_MAX_AGE.plusSeconds(1));

    String scrape = registry.scrape();
    assertThat(scrape).contains("bindery_credentials_never_used 1.0").contains("bindery_credentials_expiring 1.0")
        .contains("bindery_credentials_overdue_rotation 0.0").contains("bindery_identities_without_credential 1.0");
  }

  @Test
  void scrape_unusedGauge_countsActiveCredentialsIdleForThirtyDays() {
    Identity identity = identity();
    service.createApiKey(b.caller(admin), identity.id(), b.clock().instant().plus(Duration.ofDays(60)));
    assertThat(registry.scrape()).contains("bindery_credentials_unused 0.0");

    b.clock().advance(CredentialService.GAUGE_UNUSED_WINDOW.plusSeconds(1));

    assertThat(registry.scrape()).contains("bindery_credentials_unused 1.0")
        .contains("bindery_credentials_never_used 1.0");
  }

  @Test
  void scrape_countsQuarantinedLineages() {
    Identity identity = identity();
    IssuedSvid gen1 = enrol(identity);
    service.renew(service.authenticateCertificate(gen1.certificate(), b.clock().instant(), "r"), TestCsr.ecP256Pem(), "r");
    assertThat(registry.scrape()).contains("bindery_credential_lineage_quarantined_total 0.0");

    RejectedException e = catchThrowableOfType(RejectedException.class,
        () -> service.authenticateCertificate(gen1.certificate(), b.clock().instant(), "r"));

    assertThat(e.code()).isEqualTo(ErrorCode.CREDENTIAL_SUPERSEDED);
    assertThat(registry.scrape()).contains("bindery_credential_lineage_quarantined_total 1.0");
  }
}

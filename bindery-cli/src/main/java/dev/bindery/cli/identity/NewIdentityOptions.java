package dev.bindery.cli.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.http.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The fields of a new identity, shared by {@code identity create} and {@code identity reprovision}. */
public final class NewIdentityOptions {
  @Option(names = "--kind", required = true,
      description = "service_account, workload, pipeline, device, agent or integration.")
  String kind;

  @Option(names = "--name", required = true, description = "Display name.")
  String name;

  @Option(names = "--description", description = "Free text.")
  String description;

  @Option(names = "--tenant", description = "Tenant the identity belongs to.")
  String tenant;

  @Option(names = "--contact", description = "Who to contact about it.")
  String contact;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeat for several.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--owner-team", required = true, paramLabel = "TEAM", description = "Owning team id.")
  String ownerTeam;

  @Option(names = "--backup-owner", required = true, paramLabel = "team:ID|operator:ID",
      description = "Backup owner, team:<team id> or operator:<operator id>.")
  String backupOwner;

  @Option(names = "--scope", paramLabel = "SCOPE", description = "A scope; repeat for several.")
  List<String> scopes = new ArrayList<>();

  @Option(names = "--assurance-level", paramLabel = "LEVEL",
      description = "1, 2 or 3 (server default 1): how strong a proof re-binding its credentials needs.")
  Integer assuranceLevel;

  @Option(names = "--subject-issuer", paramLabel = "ISSUER",
      description = "Issuer of the federated subject to link (with --subject).")
  String subjectIssuer;

  @Option(names = "--subject", paramLabel = "SUBJECT",
      description = "Federated subject to link (with --subject-issuer); creation is then idempotent.")
  String subject;

  /** The request body; {@code subjectRequired} for reprovisioning, where the subject names what to replace. */
  ObjectNode toJson(boolean subjectRequired) {
    if ((subjectIssuer == null) != (subject == null)) {
      throw CliFailure.usage("--subject-issuer and --subject go together");
    }
    if (subjectRequired && subject == null) {
      throw CliFailure.usage("--subject-issuer and --subject are required");
    }
    ObjectNode body = Json.object();
    body.put("kind", kind);
    body.put("name", name);
    putIfPresent(body, "description", description);
    putIfPresent(body, "tenant", tenant);
    putIfPresent(body, "contact", contact);
    if (!labels.isEmpty()) {
      ObjectNode labelsJson = body.putObject("labels");
      labels.forEach(labelsJson::put);
    }
    body.put("owner_team", ownerTeam);
    body.put("backup_owner", backupOwner);
    if (assuranceLevel != null) {
      body.put("assurance_level", assuranceLevel);
    }
    if (!scopes.isEmpty()) {
      scopes.forEach(body.putArray("scopes")::add);
    }
    if (subject != null) {
      ObjectNode external = body.putObject("external_subject");
      external.put("issuer", subjectIssuer);
      external.put("subject", subject);
    }
    return body;
  }

  private static void putIfPresent(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}

package dev.bindery.cli.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.VersionOption;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.ApiResponse;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery identity ...}: the machine identities of the registry ({@code /api/v1/identities}). */
@Command(name = "identity", description = "Create, inspect and change machine identities.",
    subcommands = {
        IdentityCommands.Create.class, IdentityCommands.Get.class, IdentityCommands.ListIdentities.class,
        IdentityCommands.Update.class, IdentityCommands.Suspend.class, IdentityCommands.Resume.class,
        IdentityCommands.Retire.class, IdentityCommands.Link.class, IdentityCommands.History.class,
        IdentityCommands.Subjects.class, IdentityCommands.Owners.class, IdentityCommands.Scopes.class,
        IdentityCommands.Reprovision.class, IdentityCommands.Bindings.class, IdentityCommands.Assurance.class,
        IdentityCommands.Lock.class, IdentityCommands.Unlock.class})
public final class IdentityCommands extends ClientGroup {
  public IdentityCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "create", description = {"Register a new identity (POST /api/v1/identities).",
      "With --subject-issuer/--subject, an identity already linked to that subject is returned instead."})
  static final class Create extends ApiCommand {
    @Mixin NewIdentityOptions identity;

    @Override
    protected int run() {
      ApiResponse response = api().send(ApiRequest.post("identities").body(identity.toJson(false)));
      if (response.status() == 200) {
        printer().note("an identity is already linked to this subject: nothing was created");
      }
      printer().resource(response.json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = {"Show one identity (GET /api/v1/identities/{id}),",
      "or the identity linked to a federated subject (--issuer and --subject)."})
  static final class Get extends ApiCommand {
    @Parameters(arity = "0..1", paramLabel = "ID", description = "Identity id (nhi_...).")
    String id;

    @Option(names = "--issuer", description = "Issuer of a federated subject (with --subject).")
    String issuer;

    @Option(names = "--subject", description = "Federated subject (with --issuer).")
    String subject;

    @Override
    protected int run() {
      ApiRequest request;
      if (id != null && issuer == null && subject == null) {
        request = ApiRequest.get("identities", id);
      } else if (id == null && issuer != null && subject != null) {
        request = ApiRequest.get("identities", "by-subject").query("issuer", issuer).query("subject", subject);
      } else {
        throw CliFailure.usage("give an identity ID, or --issuer and --subject");
      }
      printer().resource(api().send(request).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List identities, filtered (GET /api/v1/identities).")
  static final class ListIdentities extends ApiCommand {
    @Option(names = "--kind", description = "Only this kind.")
    String kind;

    @Option(names = "--owner-team", paramLabel = "TEAM", description = "Only identities this team owns.")
    String ownerTeam;

    @Option(names = "--status", description = "active, suspended, locked or retired.")
    String status;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only identities with this label.")
    String label;

    @Option(names = "--tenant", description = "Only this tenant.")
    String tenant;

    @Option(names = "--name-prefix", paramLabel = "PREFIX", description = "Only names starting with this.")
    String namePrefix;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("identities")
          .query("kind", kind).query("owner_team", ownerTeam).query("status", status).query("label", label)
          .query("tenant", tenant).query("name_prefix", namePrefix);
      printer().list(api().send(page.applyTo(request)).json(), Columns.IDENTITIES);
      return ExitCodes.OK;
    }
  }

  @Command(name = "update", description = {
      "Change an identity's profile (PATCH /api/v1/identities/{id}, a JSON merge patch):",
      "options left out stay unchanged."})
  static final class Update extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--name", description = "New name.")
    String name;

    @Option(names = "--description", description = "New description.")
    String description;

    @Option(names = "--clear-description", description = "Remove the description.")
    boolean clearDescription;

    @Option(names = "--tenant", description = "New tenant.")
    String tenant;

    @Option(names = "--clear-tenant", description = "Remove the tenant.")
    boolean clearTenant;

    @Option(names = "--contact", description = "New contact.")
    String contact;

    @Option(names = "--clear-contact", description = "Remove the contact.")
    boolean clearContact;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Set a label; repeat for several.")
    Map<String, String> setLabels = new LinkedHashMap<>();

    @Option(names = "--remove-label", paramLabel = "KEY", description = "Remove a label; repeatable.")
    List<String> removeLabels = new ArrayList<>();

    @Option(names = "--clear-labels", description = "Remove every label.")
    boolean clearLabels;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      ObjectNode patch = Json.object();
      setOrClear(patch, "description", description, clearDescription);
      setOrClear(patch, "tenant", tenant, clearTenant);
      setOrClear(patch, "contact", contact, clearContact);
      if (name != null) {
        patch.put("name", name);
      }
      if (clearLabels && (!setLabels.isEmpty() || !removeLabels.isEmpty())) {
        throw CliFailure.usage("--clear-labels cannot be combined with --label or --remove-label");
      }
      if (clearLabels) {
        patch.putNull("labels");
      } else if (!setLabels.isEmpty() || !removeLabels.isEmpty()) {
        ObjectNode labels = patch.putObject("labels");
        setLabels.forEach(labels::put);
        removeLabels.forEach(labels::putNull);
      }
      if (patch.isEmpty()) {
        throw CliFailure.usage("nothing to change: give at least one of the options");
      }
      long expected = versionToMatch(version.version, "identities", id);
      printer().resource(api().send(ApiRequest.patch("identities", id).ifMatch(expected).body(patch)).json());
      return ExitCodes.OK;
    }

    private static void setOrClear(ObjectNode patch, String field, String value, boolean clear) {
      if (value != null && clear) {
        throw CliFailure.usage("--" + field + " and --clear-" + field + " contradict each other");
      }
      if (value != null) {
        patch.put(field, value);
      } else if (clear) {
        patch.putNull(field);
      }
    }
  }

  @Command(name = "suspend", description = "Suspend an identity (POST /api/v1/identities/{id}/suspend).")
  static final class Suspend extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--reason", description = "Why; kept in the audit log.")
    String reason;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      if (reason != null) {
        body.put("reason", reason);
      }
      return change(id, "suspend", body, version);
    }
  }

  @Command(name = "resume", description = "Resume a suspended identity (POST /api/v1/identities/{id}/resume).")
  static final class Resume extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      return change(id, "resume", Json.object(), version);
    }
  }

  @Command(name = "retire", description = {
      "Retire an identity for good (POST /api/v1/identities/{id}/retire).",
      "A retired identity is never reused; see 'reprovision' for its federated subject."})
  static final class Retire extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit log.")
    String reason;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("reason", reason);
      return change(id, "retire", body, version);
    }
  }

  /**
   * A versioned change of an identity: POST to {@code /identities/{id}/<action>} (lifecycle, locks) or PUT to
   * {@code /identities/{id}/<part>} (owners, scopes, assurance), with the version in If-Match.
   */
  abstract static class VersionedChange extends ApiCommand {
    protected int change(String id, String action, ObjectNode body, VersionOption version) {
      return send(ApiRequest.post("identities", id, action), id, body, version);
    }

    protected int replace(String id, String part, ObjectNode body, VersionOption version) {
      return send(ApiRequest.put("identities", id, part), id, body, version);
    }

    private int send(ApiRequest request, String id, ObjectNode body, VersionOption version) {
      long expected = versionToMatch(version.version, "identities", id);
      printer().resource(api().send(request.ifMatch(expected).body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "link", description = "Link a federated subject (POST /api/v1/identities/{id}/subjects).")
  static final class Link extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--issuer", required = true, description = "Issuer of the subject.")
    String issuer;

    @Option(names = "--subject", required = true, description = "The subject.")
    String subject;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("issuer", issuer);
      body.put("subject", subject);
      printer().resource(api().send(ApiRequest.post("identities", id, "subjects").body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "history",
      description = "Audit events about an identity, oldest first (GET /api/v1/identities/{id}/history).")
  static final class History extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      printer().list(api().send(page.applyTo(ApiRequest.get("identities", id, "history"))).json(),
          Columns.AUDIT_EVENTS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "subjects",
      description = "Federated subjects linked to an identity (GET /api/v1/identities/{id}/subjects).")
  static final class Subjects extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("identities", id, "subjects")).json(), Columns.SUBJECTS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "owners", description = {
      "Transfer ownership (PUT /api/v1/identities/{id}/owners; needs a recent step-up)."})
  static final class Owners extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--owner-team", required = true, paramLabel = "TEAM", description = "New owning team.")
    String ownerTeam;

    @Option(names = "--backup-owner", required = true, paramLabel = "team:ID|operator:ID",
        description = "New backup owner.")
    String backupOwner;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("owner_team", ownerTeam);
      body.put("backup_owner", backupOwner);
      return replace(id, "owners", body, version);
    }
  }

  @Command(name = "scopes", description = {
      "Replace an identity's scopes (PUT /api/v1/identities/{id}/scopes).",
      "Give every scope it should have; --none removes them all."})
  static final class Scopes extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "A scope; repeat for several.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--none", description = "Remove every scope.")
    boolean none;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      if (scopes.isEmpty() == !none) {
        throw CliFailure.usage("give --scope (repeatable) or --none");
      }
      ObjectNode body = Json.object();
      scopes.forEach(body.putArray("scopes")::add);
      return replace(id, "scopes", body, version);
    }
  }

  @Command(name = "bindings", description = {
      "Every credential ever bound to an identity, oldest first, with what replaced it",
      "(GET /api/v1/identities/{id}/bindings)."})
  static final class Bindings extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("identities", id, "bindings")).json(), Columns.BINDINGS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "assurance", description = {
      "Set an identity's assurance level, 1 to 3 (PUT /api/v1/identities/{id}/assurance).",
      "An admin or an owner raises it; only a security officer with a recent step-up lowers it."})
  static final class Assurance extends VersionedChange {
    @Parameters(index = "0", paramLabel = "ID", description = "Identity id.")
    String id;

    @Parameters(index = "1", paramLabel = "LEVEL", description = "1, 2 or 3.")
    int level;

    @Option(names = "--reason", description = "Why; kept in the audit log.")
    String reason;

    @Mixin VersionOption version;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("level", level);
      if (reason != null) {
        body.put("reason", reason);
      }
      return replace(id, "assurance", body, version);
    }
  }

  @Command(name = "lock", description = {
      "Lock an identity for security review (POST /api/v1/identities/{id}/lock; admin or security officer):",
      "no tokens, renewals, enrolments or change requests until a security officer unlocks it."})
  static final class Lock extends ReasonedChange {
    @Override
    protected int run() {
      return change("lock");
    }
  }

  @Command(name = "unlock", description = {
      "Unlock a locked identity: it becomes active (POST /api/v1/identities/{id}/unlock;",
      "a security officer with a recent step-up). Tokens issued before the lock stay refused."})
  static final class Unlock extends ReasonedChange {
    @Override
    protected int run() {
      return change("unlock");
    }
  }

  /** A lifecycle change that needs a reason: {@code lock} and {@code unlock}. */
  abstract static class ReasonedChange extends VersionedChange {
    @Parameters(paramLabel = "ID", description = "Identity id.")
    String id;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit log.")
    String reason;

    @Mixin VersionOption version;

    protected int change(String action) {
      ObjectNode body = Json.object();
      body.put("reason", reason);
      return change(id, action, body, version);
    }
  }

  @Command(name = "reprovision", description = {
      "Create the successor of a retired identity for its federated subject",
      "(POST /api/v1/identities/reprovision; admin, needs a recent step-up)."})
  static final class Reprovision extends ApiCommand {
    @Mixin NewIdentityOptions identity;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.post("identities", "reprovision").body(identity.toJson(true)))
          .json());
      return ExitCodes.OK;
    }
  }
}

"""Debian's `openstack` CLI against Iris's Identity API: token issue, catalog list, project
create, user create, role add, role assignment list, a token for the new user, application
credentials, and a password change that ends old tokens."""
import json
import secrets
import unittest
import urllib.error
import urllib.request

from common import IRIS_URL, cloud_env, osc, rand


class IdentityCliTest(unittest.TestCase):
    def test_token_issue(self):
        token = osc(["token", "issue"])
        self.assertEqual(set(token), {"expires", "id", "project_id", "user_id"})
        project = osc(["project", "show", "admin"])
        self.assertEqual(token["project_id"], project["id"])

    def test_catalog_lists_the_image_endpoint(self):
        catalog = osc(["catalog", "list"])
        image = [s for s in catalog if s["Type"] == "image"]
        self.assertEqual(len(image), 1)
        endpoints = image[0]["Endpoints"]
        text = json.dumps(endpoints)
        for interface in ("public", "internal", "admin"):
            self.assertIn(interface, text)
        self.assertIn(IRIS_URL + "/image", text)
        self.assertIn("RegionOne", text)

    def test_project_user_role_and_a_token_for_the_new_user(self):
        project, user, password = rand("proj"), rand("user"), "pw-" + secrets.token_hex(8)
        created = osc(["project", "create", "--description", "made by the CLI", project])
        self.assertEqual(created["name"], project)
        self.assertEqual(created["domain_id"], "default")
        u = osc(["user", "create", "--password", password, "--project", project, user])
        self.assertEqual(u["name"], user)
        self.assertEqual(u["default_project_id"], created["id"])
        osc(["role", "add", "--project", project, "--user", user, "member"], json_out=False)
        assignments = osc(["role", "assignment", "list", "--names", "--project", project])
        self.assertEqual([(a["Role"], a["User"], a["Project"]) for a in assignments],
                         [("member", user + "@Default", project + "@Default")])
        as_user = cloud_env(user, password, project)
        token = osc(["token", "issue"], env=as_user)
        self.assertEqual(token["user_id"], u["id"])
        self.assertEqual(token["project_id"], created["id"])
        # The new user is a member, not an admin.
        refused = osc(["project", "create", rand("nope")], env=as_user, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("403", refused.stderr + refused.stdout)

    def test_wrong_password_is_refused(self):
        bad = osc(["token", "issue"], env=cloud_env(password="definitely-wrong"), check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("401", bad.stderr + bad.stdout)

    def test_application_credential_token(self):
        name = rand("ci")
        cred = osc(["application", "credential", "create", name])
        self.assertTrue(cred["secret"])
        env = {k: v for k, v in cloud_env().items() if k not in ("OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME",
                                                                 "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME")}
        env.update({"OS_AUTH_TYPE": "v3applicationcredential", "OS_APPLICATION_CREDENTIAL_ID": cred["id"],
                    "OS_APPLICATION_CREDENTIAL_SECRET": cred["secret"]})
        token = osc(["token", "issue"], env=env)
        self.assertEqual(token["project_id"], cred["project_id"])
        shown = osc(["application", "credential", "show", name])
        self.assertNotIn("secret", {k: v for k, v in shown.items() if v})
        osc(["application", "credential", "delete", name], json_out=False)
        self.assertNotEqual(osc(["token", "issue"], env=env, check=False).returncode, 0)

    def test_password_change_ends_old_tokens(self):
        project, user, password = rand("proj"), rand("user"), "pw-" + secrets.token_hex(8)
        osc(["project", "create", project])
        uid = osc(["user", "create", "--password", password, "--project", project, user])["id"]
        osc(["role", "add", "--project", project, "--user", user, "member"], json_out=False)
        token = osc(["token", "issue"], env=cloud_env(user, password, project))["id"]
        osc(["user", "set", "--password", "pw-" + secrets.token_hex(8), user], json_out=False)
        # The old token no longer works against the Image API.
        req = urllib.request.Request(IRIS_URL + "/image/v2/images", headers={"X-Auth-Token": token})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(req)
        self.assertEqual(ctx.exception.code, 401)
        self.assertTrue(uid)


if __name__ == "__main__":
    unittest.main()


class LimitsCliTest(unittest.TestCase):
    """Per-project image quotas the way operators set Glance's: Keystone unified limits."""

    def test_limit_create_list_set_delete_and_the_quota_applies(self):
        from common import new_project_user
        project, user, password = new_project_user("member")
        registered = osc(["registered", "limit", "list", "--service", "glance"])
        self.assertEqual(sorted(r["Resource Name"] for r in registered),
                         ["image_count_total", "image_count_uploading", "image_size_total", "image_stage_total"])
        limit = osc(["limit", "create", "--service", "glance", "--project", project,
                     "--resource-limit", "1", "--description", "one image", "image_count_total"])
        self.assertEqual(limit["resource_limit"], 1)
        self.assertEqual(limit["description"], "one image")
        listed = osc(["limit", "list", "--project", project])
        self.assertEqual([l["ID"] for l in listed], [limit["id"]])
        # The quota applies to the project's images: the second one is refused (413).
        env = cloud_env(user, password, project)
        osc(["image", "create", "--disk-format", "raw", "--container-format", "bare", rand("q1")], env=env)
        over = osc(["image", "create", "--disk-format", "raw", "--container-format", "bare", rand("q2")],
                   env=env, check=False)
        self.assertNotEqual(over.returncode, 0)
        self.assertIn("image_count_total", over.stdout + over.stderr)
        osc(["limit", "set", "--resource-limit", "5", limit["id"]], json_out=False)
        self.assertEqual(osc(["limit", "show", limit["id"]])["resource_limit"], 5)
        osc(["image", "create", "--disk-format", "raw", "--container-format", "bare", rand("q3")], env=env)
        osc(["limit", "delete", limit["id"]], json_out=False)
        self.assertEqual(osc(["limit", "list", "--project", project]), [])

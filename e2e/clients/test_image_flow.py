"""The stock-client flow for image data and sharing: openstack CLI, python-glanceclient and
openstacksdk against a running Iris (create, upload, show, download, list filters, share,
accept, reject, remove, protect, deactivate, reactivate, delete)."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from common import cloud_env, glance, new_project_user, osc, rand, keystone_session


def sha512(path):
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class ImageFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="iris-flow-")
        # A few MiB of random data, and a real qcow2 made by qemu-img from it.
        cls.raw = os.path.join(cls.tmp, "disk.raw")
        with open(cls.raw, "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024 + 12345))
        cls.qcow2 = os.path.join(cls.tmp, "disk.qcow2")
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", cls.raw, cls.qcow2], check=True)
        # The owner works as a member (not admin) of its own project, as end users do.
        cls.owner_project, cls.owner_user, cls.owner_pw = new_project_user("member")
        cls.other_project, cls.other_user, cls.other_pw = new_project_user("member")
        cls.owner = cloud_env(cls.owner_user, cls.owner_pw, cls.owner_project)
        cls.other = cloud_env(cls.other_user, cls.other_pw, cls.other_project)
        cls.other_project_id = osc(["project", "show", cls.other_project])["id"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_openstack_cli_full_flow(self):
        name = rand("flow-raw")
        img = osc(["image", "create", "--file", self.raw, "--disk-format", "raw", "--container-format", "bare",
                   "--property", "os_distro=debian", "--tag", "flow", name], env=self.owner)
        image_id = img["id"]
        shown = osc(["image", "show", image_id], env=self.owner)
        self.assertEqual(shown["status"], "active")
        self.assertEqual(int(shown["size"]), os.path.getsize(self.raw))
        self.assertEqual(shown["checksum"], md5(self.raw))

        out = os.path.join(self.tmp, "download.raw")
        osc(["image", "save", "--file", out, image_id], env=self.owner, json_out=False)
        self.assertEqual(sha512(out), sha512(self.raw))
        listed = osc(["image", "list", "--property", "os_distro=debian", "--tag", "flow", "--status", "active"], env=self.owner)
        self.assertIn(image_id, [i["ID"] for i in listed])

        # Share with the other project; its member accepts, sees it, rejects, no longer sees it.
        osc(["image", "set", "--shared", image_id], env=self.owner, json_out=False)
        osc(["image", "add", "project", image_id, self.other_project_id], env=self.owner)
        self.assertNotIn(image_id, [i["ID"] for i in osc(["image", "list"], env=self.other)])
        osc(["image", "set", "--accept", image_id], env=self.other, json_out=False)
        self.assertIn(image_id, [i["ID"] for i in osc(["image", "list"], env=self.other)])
        osc(["image", "set", "--reject", image_id], env=self.other, json_out=False)
        self.assertNotIn(image_id, [i["ID"] for i in osc(["image", "list"], env=self.other)])
        osc(["image", "remove", "project", image_id, self.other_project_id], env=self.owner, json_out=False)
        self.assertNotEqual(osc(["image", "show", image_id], env=self.other, check=False).returncode, 0)

        # Protected images cannot be deleted.
        osc(["image", "set", "--protected", image_id], env=self.owner, json_out=False)
        refused = osc(["image", "delete", image_id], env=self.owner, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertEqual(osc(["image", "show", image_id], env=self.owner)["status"], "active")
        osc(["image", "set", "--unprotected", image_id], env=self.owner, json_out=False)

        # Deactivated images cannot be downloaded by non-admins.
        osc(["image", "set", "--deactivate", image_id], env=self.owner, json_out=False)
        self.assertEqual(osc(["image", "show", image_id], env=self.owner)["status"], "deactivated")
        denied = osc(["image", "save", "--file", os.path.join(self.tmp, "denied"), image_id], env=self.owner,
                     json_out=False, check=False)
        self.assertNotEqual(denied.returncode, 0)
        osc(["image", "set", "--activate", image_id], env=self.owner, json_out=False)
        self.assertEqual(osc(["image", "show", image_id], env=self.owner)["status"], "active")

        osc(["image", "delete", image_id], env=self.owner, json_out=False)
        self.assertNotEqual(osc(["image", "show", image_id], env=self.owner, check=False).returncode, 0)

    def test_glanceclient_qcow2_upload_and_download(self):
        gc = glance(self.owner_user, self.owner_pw, self.owner_project)
        image = gc.images.create(name=rand("flow-qcow2"), disk_format="qcow2", container_format="bare")
        self.assertEqual(image["status"], "queued")
        with open(self.qcow2, "rb") as f:
            gc.images.upload(image["id"], f, image_size=os.path.getsize(self.qcow2))
        got = gc.images.get(image["id"])
        self.assertEqual(got["status"], "active")
        self.assertEqual(got["size"], os.path.getsize(self.qcow2))
        self.assertEqual(got["os_hash_algo"], "sha512")
        self.assertEqual(got["os_hash_value"], sha512(self.qcow2))
        # Format inspection recorded the disk the guest sees (qemu-img's virtual size).
        info = json.loads(subprocess.run(["qemu-img", "info", "--output=json", self.qcow2],
                                         check=True, capture_output=True, text=True).stdout)
        self.assertEqual(got["virtual_size"], info["virtual-size"])
        h = hashlib.sha512()
        for chunk in gc.images.data(image["id"]):
            h.update(chunk)
        self.assertEqual(h.hexdigest(), sha512(self.qcow2))
        # A second upload to an image that has data is refused.
        from glanceclient import exc
        with open(self.qcow2, "rb") as f:
            with self.assertRaises(exc.HTTPConflict) as ctx:
                gc.images.upload(image["id"], f)
        self.assertIn("not allowed", str(ctx.exception))
        gc.images.delete(image["id"])

    def test_openstack_cli_unsafe_qcow2_is_refused_with_the_reason(self):
        # A qcow2 whose backing file is a host file: `openstack image create --file` fails with
        # Iris's message.
        backed = os.path.join(self.tmp, "backed.qcow2")
        subprocess.run(["qemu-img", "create", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw", backed, "16M"],
                       check=True, capture_output=True)
        name = rand("unsafe")
        p = osc(["image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                 "--file", backed, name], env=self.owner, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("backing file", p.stdout + p.stderr)
        # The client deletes the image it created when the upload fails; if it did not, the image
        # is queued without data. Either way no image of that name has data.
        for image in osc(["image", "list", "--name", name, "--long"], env=self.owner):
            self.assertEqual(image["Status"], "queued")
            osc(["image", "delete", image["ID"]], env=self.owner, json_out=False)

    def test_openstacksdk_lists_and_downloads(self):
        import openstack
        conn = openstack.connection.Connection(session=keystone_session(self.owner_user, self.owner_pw, self.owner_project))
        gc = glance(self.owner_user, self.owner_pw, self.owner_project)
        name = rand("flow-sdk")
        image = gc.images.create(name=name, disk_format="raw", container_format="bare", os_distro="alpine")
        with open(self.raw, "rb") as f:
            gc.images.upload(image["id"], f)
        found = [(i.id, i.status, i.os_distro) for i in conn.image.images(name=name)]
        self.assertEqual(found, [(image["id"], "active", "alpine")])
        body = conn.image.download_image(image["id"])
        data = body.content if hasattr(body, "content") else body
        self.assertEqual(hashlib.sha512(data).hexdigest(), sha512(self.raw))
        conn.image.delete_image(image["id"])


if __name__ == "__main__":
    unittest.main()

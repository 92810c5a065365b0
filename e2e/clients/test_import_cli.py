"""Stores and interoperable import with the stock clients: python-glanceclient's stores and
import calls, `openstack image create --import` and openstacksdk's stores, against a running Iris
that has two stores, "file" and "ceph" (Ceph RGW), as the test runner sets up."""
import hashlib
import os
import shutil
import tempfile
import time
import unittest

from common import cloud_env, glance, keystone_session, new_project_user, osc, rand

DEFAULT_STORE = os.environ.get("IRIS_DEFAULT_STORE", "file")
OTHER_STORE = "ceph" if DEFAULT_STORE == "file" else "file"


def sha512_file(path):
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wait_for(fn, what, timeout=60):
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.3)


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="iris-import-")
        cls.data = os.path.join(cls.tmp, "disk.raw")
        with open(cls.data, "wb") as f:
            f.write(os.urandom(2 * 1024 * 1024 + 777))
        cls.project, cls.user, cls.pw = new_project_user("member")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_glanceclient_stores_and_import_info(self):
        gc = glance(self.user, self.pw, self.project)
        stores = gc.images.get_stores_info()["stores"]
        self.assertEqual(sorted(s["id"] for s in stores), ["ceph", "file"])
        self.assertEqual([s["id"] for s in stores if s.get("default")], [DEFAULT_STORE])
        methods = gc.images.get_import_info()["import-methods"]["value"]
        self.assertEqual(sorted(methods), ["copy-image", "glance-direct", "web-download"])
        detail = glance().images.get_stores_info_detail()["stores"]
        self.assertEqual({s["id"]: s["type"] for s in detail}, {"file": "file", "ceph": "s3"})

    def test_glanceclient_glance_direct_then_copy_and_delete_from_store(self):
        gc = glance(self.user, self.pw, self.project)
        image = gc.images.create(name=rand("import"), disk_format="raw", container_format="bare")
        with open(self.data, "rb") as f:
            gc.images.stage(image["id"], f, image_size=os.path.getsize(self.data))
        self.assertEqual(gc.images.get(image["id"])["status"], "uploading")
        gc.images.image_import(image["id"], method="glance-direct")
        got = wait_for(lambda: (lambda i: i if i["status"] == "active" else None)(gc.images.get(image["id"])),
                       "the import to finish")
        self.assertEqual(got["os_hash_value"], sha512_file(self.data))
        self.assertEqual(got["stores"], DEFAULT_STORE)
        tasks = gc.images.get_associated_image_tasks(image["id"])["tasks"]
        self.assertEqual(tasks[-1]["status"], "success")
        # copy-image is for admins (Glance's default policy)
        admin = glance()
        admin.images.image_import(image["id"], method="copy-image", stores=[OTHER_STORE], allow_failure=False)
        wait_for(lambda: len(gc.images.get(image["id"]).get("stores", "").split(",")) == 2, "the copy")
        admin.images.delete_from_store(DEFAULT_STORE, image["id"])
        self.assertEqual(gc.images.get(image["id"])["stores"], OTHER_STORE)
        h = hashlib.sha512()
        for chunk in gc.images.data(image["id"]):
            h.update(chunk)
        self.assertEqual(h.hexdigest(), sha512_file(self.data))
        gc.images.delete(image["id"])

    def test_openstack_cli_create_with_import(self):
        env = cloud_env(self.user, self.pw, self.project)
        name = rand("cli-import")
        osc(["image", "create", "--import", "--file", self.data, "--disk-format", "raw",
             "--container-format", "bare", name], env=env)
        shown = wait_for(lambda: (lambda i: i if i["status"] == "active" else None)(osc(["image", "show", name], env=env)),
                         "the CLI import")
        self.assertEqual(int(shown["size"]), os.path.getsize(self.data))
        out = os.path.join(self.tmp, "saved.raw")
        osc(["image", "save", "--file", out, name], env=env, json_out=False)
        self.assertEqual(sha512_file(out), sha512_file(self.data))
        osc(["image", "delete", name], env=env, json_out=False)

    def test_openstacksdk_stores(self):
        import openstack
        conn = openstack.connection.Connection(session=keystone_session(self.user, self.pw, self.project))
        stores = list(conn.image.stores())
        self.assertEqual(sorted(s.id for s in stores), ["ceph", "file"])
        self.assertEqual([s.id for s in stores if s.is_default], [DEFAULT_STORE])


if __name__ == "__main__":
    unittest.main()

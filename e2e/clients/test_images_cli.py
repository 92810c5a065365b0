"""The catalog through the stock clients: `openstack image create/show/set/unset/list` with
--property, --tag, --sort, --limit, --long, and delete; python-glanceclient (as a library: the
`glance` command fails at start on Debian's Python) for create, update, tag update and a list
sorted by a key."""
import unittest

from common import glance, new_project_user, cloud_env, osc, rand


class ImagesCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.project, cls.user, cls.password = new_project_user("member")
        cls.env = cloud_env(cls.user, cls.password, cls.project)
        cls.gc = glance(cls.user, cls.password, cls.project)
        cls.run_id = rand("run")
        cls.ids = []
        for i, name in enumerate(["charlie", "alpha", "bravo"]):
            img = cls.gc.images.create(name="%s-%s" % (cls.run_id, name), disk_format="qcow2", container_format="bare",
                                       run_id=cls.run_id, os_distro=["debian", "ubuntu", "debian"][i])
            cls.ids.append(img["id"])

    def test_show_set_unset(self):
        image_id = self.ids[0]
        shown = osc(["image", "show", image_id], env=self.env)
        self.assertEqual(shown["name"], "%s-charlie" % self.run_id)
        self.assertEqual(shown["status"], "queued")
        self.assertEqual(shown["properties"]["os_distro"], "debian")
        osc(["image", "set", "--property", "hw_disk_bus=virtio", "--tag", "gpu", "--tag", "big",
             "--min-ram", "1024", "--name", "%s-charlie2" % self.run_id, image_id], env=self.env, json_out=False)
        shown = osc(["image", "show", image_id], env=self.env)
        self.assertEqual(shown["properties"]["hw_disk_bus"], "virtio")
        self.assertEqual(sorted(shown["tags"]), ["big", "gpu"])
        self.assertEqual(shown["min_ram"], 1024)
        self.assertEqual(shown["name"], "%s-charlie2" % self.run_id)
        osc(["image", "unset", "--property", "hw_disk_bus", "--tag", "big", image_id], env=self.env, json_out=False)
        shown = osc(["image", "show", image_id], env=self.env)
        self.assertNotIn("hw_disk_bus", shown["properties"])
        self.assertEqual(shown["tags"], ["gpu"])
        osc(["image", "set", "--name", "%s-charlie" % self.run_id, image_id], env=self.env, json_out=False)

    def test_list_filters_sort_limit_long(self):
        listed = osc(["image", "list", "--property", "run_id=%s" % self.run_id, "--sort", "name:asc"], env=self.env)
        self.assertEqual([i["Name"] for i in listed],
                         ["%s-%s" % (self.run_id, n) for n in ("alpha", "bravo", "charlie")])
        # --limit takes the first page in the server's default order (newest first: bravo, alpha),
        # which the CLI then sorts by --sort.
        desc = osc(["image", "list", "--property", "run_id=%s" % self.run_id, "--sort", "name:desc", "--limit", "2"], env=self.env)
        self.assertEqual([i["Name"] for i in desc], ["%s-%s" % (self.run_id, n) for n in ("bravo", "alpha")])
        debian = osc(["image", "list", "--property", "run_id=%s" % self.run_id, "--property", "os_distro=debian"], env=self.env)
        self.assertEqual(sorted(i["ID"] for i in debian), sorted([self.ids[0], self.ids[2]]))
        long = osc(["image", "list", "--property", "run_id=%s" % self.run_id, "--long"], env=self.env)
        self.assertEqual(len(long), 3)
        for row in long:
            self.assertEqual(row["Disk Format"], "qcow2")
            self.assertEqual(row["Container Format"], "bare")
            self.assertEqual(row["Visibility"], "shared")
        private = osc(["image", "list", "--private", "--property", "run_id=%s" % self.run_id], env=self.env)
        self.assertEqual(private, [])

    def test_glanceclient_update_tags_and_sorted_list(self):
        image_id = self.ids[1]
        updated = self.gc.images.update(image_id, name="%s-alpha" % self.run_id, os_version="12", min_disk=2)
        self.assertEqual(updated["os_version"], "12")
        self.assertEqual(updated["min_disk"], 2)
        updated = self.gc.images.update(image_id, remove_props=["os_version"])
        self.assertNotIn("os_version", updated)
        self.gc.image_tags.update(image_id, "tagged")
        self.assertIn("tagged", self.gc.images.get(image_id)["tags"])
        self.gc.image_tags.delete(image_id, "tagged")
        self.assertNotIn("tagged", self.gc.images.get(image_id)["tags"])
        names = [i["name"] for i in self.gc.images.list(filters={"run_id": self.run_id}, sort_key="name", sort_dir="desc")]
        self.assertEqual(names, ["%s-%s" % (self.run_id, n) for n in ("charlie", "bravo", "alpha")])
        # Paging through python-glanceclient's `next` links with a tiny page size.
        paged = [i["id"] for i in self.gc.images.list(filters={"run_id": self.run_id}, page_size=1, sort_key="name", sort_dir="asc")]
        self.assertEqual(len(paged), 3)
        self.assertEqual(len(set(paged)), 3)

    def test_delete(self):
        img = self.gc.images.create(name=rand("gone"), disk_format="raw", container_format="bare")
        osc(["image", "delete", img["id"]], env=self.env, json_out=False)
        self.assertNotEqual(osc(["image", "show", img["id"]], env=self.env, check=False).returncode, 0)


if __name__ == "__main__":
    unittest.main()

"""gongzhi train, the model kept in the database, and category suggestions at intake."""
import os
import random
import unittest

from harness import ADMIN_PASSWORD, Server, run_cli

WORDS = {
    "0101": ["路边垃圾堆放", "垃圾桶满了没人清理", "小区门口有暴露垃圾", "garbage piled on the sidewalk"],
    "0102": ["晚上施工噪音扰民", "广场舞音响太吵", "噪声很大睡不着", "loud noise at night"],
    "0103": ["路灯不亮", "路灯坏了一整晚", "街边灯杆倒了", "street light is out"],
}


def labelled_csv(path, n, seed=7):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write("text,category,address\n")
        for i in range(n):
            code = sorted(WORDS)[i % 3]
            f.write("%s %d,%s,第%d街道\n" % (rnd.choice(WORDS[code]), rnd.randint(1, 99), code, i % 7))


class TrainTest(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.server.start()
        self.tok = self.server.login("admin", ADMIN_PASSWORD)
        for code, name in (("01", "市容"), ("0101", "垃圾"), ("0102", "噪音"), ("0103", "路灯")):
            r = self.server.request("POST", "/api/v1/categories", {"code": code, "name": name},
                                    token=self.tok)
            self.assertEqual(r.status, 201, r.raw)

    def tearDown(self):
        self.server.stop()

    def intake(self, text):
        r = self.server.request("POST", "/api/v1/cases", {"channel": "hotline", "text": text},
                                token=self.tok)
        self.assertEqual(r.status, 201, r.raw)
        return r.json

    def test_train_then_suggest(self):
        self.assertNotIn("suggested_categories", self.intake("路灯不亮"))  # no model yet
        path = os.path.join(self.server.tmp, "train.csv")
        labelled_csv(path, 90)
        p = run_cli("train", path, "--db", self.server.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("held-out fifth", p.stdout)
        self.assertIn("model version 1: 3 classes from 90 cases", p.stdout)
        self.server.stop()
        self.server.start()  # serve loads the newest model at start
        self.tok = self.server.login("admin", ADMIN_PASSWORD)
        c = self.intake("门口路灯坏了")
        s = c["suggested_categories"]
        self.assertEqual(len(s), 3)
        self.assertEqual(s[0]["category"], "0103")
        self.assertGreaterEqual(s[0]["p"], s[1]["p"])
        self.assertLessEqual(sum(x["p"] for x in s), 1.0001)
        # the automatic suggestion is on the record with the case
        ev = self.server.request("GET", "/api/v1/cases/%s/events" % c["number"],
                                 token=self.tok).json["items"][0]
        self.assertEqual(ev["body"]["suggested_categories"][0]["category"], "0103")
        # an operator's category wins: no suggestion
        r = self.server.request("POST", "/api/v1/cases", {"channel": "hotline", "text": "路灯不亮",
                                                          "category": "0101"}, token=self.tok)
        self.assertNotIn("suggested_categories", r.json)

    def test_too_little_to_learn(self):
        path = os.path.join(self.server.tmp, "few.csv")
        labelled_csv(path, 5)
        p = run_cli("train", path, "--db", self.server.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("at least", p.stderr)
        p = run_cli("train", "--db", self.server.db)  # no closed cases yet
        self.assertEqual(p.returncode, 1)
        p = run_cli("train", "a.csv", "b.csv", "--db", self.server.db)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()

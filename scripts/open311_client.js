// Files into a running Linli and reads back through its Open311 GeoReport
// v2 endpoint with `open311` (npm 0.0.12, tools/open311-node), a Node
// client written for other cities' endpoints, used unchanged in JSON.
// Its XML parsers are never loaded in JSON (tools/open311-node/package.json
// says why they are replaced).
//
//   node scripts/open311_client.js BASE_URL API_KEY
//
// Checks: the service list and a definition; a request filed with the key
// (an attribute, a name, a phone and an e-mail) comes back by its id with
// what was filed and without the contact details; an unknown key is
// refused with 403 and nothing is filed.
"use strict";

const path = require("path");
const Open311 = require(path.join(__dirname, "../tools/open311-node/node_modules/open311"));

const [base, key] = process.argv.slice(2);
if (!base || !key) {
  console.error("usage: node scripts/open311_client.js BASE_URL API_KEY");
  process.exit(2);
}
const PHONE = "13700001111";
const EMAIL = "zhang.san@example.cn";

const check = (cond, what) => {
  if (!cond) {
    console.error(`open311 node client: ${what}`);
    process.exit(1);
  }
};
// The client's callbacks as promises: [err, data].
const call = (fn, ...args) => new Promise((resolve) => fn(...args, (err, data) => resolve([err, data])));

(async () => {
  const endpoint = `${base}/open311/v2/`;
  const city = new Open311({ endpoint, apiKey: key, format: "json" });

  const [e1, services] = await call(city.serviceList.bind(city));
  check(!e1, `services: ${services}`);
  check(services.some((s) => s.service_code === "lighting" && s.metadata === true), "lighting is a service with metadata");
  const [e2, definition] = await call(city.serviceDefinition.bind(city), "lighting");
  check(!e2 && definition.service_code === "lighting", `definition: ${JSON.stringify(definition)}`);
  const title = definition.attributes.find((a) => a.code === "title");
  check(title && title.required === false && title.datatype === "string", `the optional title attribute: ${JSON.stringify(title)}`);

  const [e3, filed] = await call(city.submitRequest.bind(city), {
    service_code: "lighting",
    lat: 30.6311,
    long: 104.0611,
    description: "晚上九点以后整条小路都是黑的，老人散步看不见台阶。",
    first_name: "三",
    last_name: "张",
    phone: PHONE,
    email: EMAIL,
    attributes: { title: "小路路灯不亮" },
  });
  check(!e3, `filing: ${e3} ${filed}`);
  check(Array.isArray(filed) && filed.length === 1, `filing answer: ${JSON.stringify(filed)}`);
  const id = filed[0].service_request_id;
  check(/^[A-Z]{2}-[A-Z0-9]{4}$/.test(id), `a receipt code: ${id}`);

  const [e4, back] = await call(city.serviceRequest.bind(city), id);
  check(!e4 && Array.isArray(back) && back.length === 1, `by id: ${e4} ${JSON.stringify(back)}`);
  const r = back[0];
  check(r.service_request_id === id && r.service_code === "lighting", `read back: ${JSON.stringify(r)}`);
  check(r.status === "open", `status ${r.status}`);
  check(r.description.includes("老人散步看不见台阶"), `description ${r.description}`);
  check(Math.abs(r.lat - 30.6311) < 1e-9 && Math.abs(r.long - 104.0611) < 1e-9, "position");
  check(r.requested_datetime instanceof Date && !isNaN(r.requested_datetime), "a datetime the client parses");
  const [, listed] = await call(city.serviceRequests.bind(city), [id], { service_code: "lighting" });
  check(listed.map((x) => x.service_request_id).includes(id), "listed by id and code");
  for (const text of [JSON.stringify(back), JSON.stringify(listed)]) {
    check(!text.includes(PHONE) && !text.includes(EMAIL) && !text.includes("张"), `contact details left: ${text}`);
  }

  const stranger = new Open311({ endpoint, apiKey: "not-a-key", format: "json" });
  const [e5, refused] = await call(stranger.submitRequest.bind(stranger), {
    service_code: "lighting",
    lat: 30.6311,
    long: 104.0611,
    description: "不该被收下",
    attributes: { title: "无效的钥匙" },
  });
  check(e5 === 403, `an unknown key: ${e5} ${refused}`);
  const [, none] = await call(city.serviceRequests.bind(city), { service_code: "lighting" });
  check(!JSON.stringify(none).includes("不该被收下"), "nothing filed with an unknown key");

  console.log(`open311 node client (json): services, a definition, filed ${id} with a key and read it back, a 403`);
})();

"""Reads a running Linli through its Open311 GeoReport v2 endpoint with
`georeport` (PyPI), a client written for other cities' endpoints, in JSON
and in XML, and checks what it reads against what was filed.

    python scripts/open311_client.py BASE_URL SEATING_CODE LIGHTING_CODE PHONE

SEATING_CODE was filed as seating at (30.6291, 104.0591) with the title
接口测试的长椅; LIGHTING_CODE as lighting with the contact phone PHONE,
which must appear nowhere.
"""

import sys

import requests
from georeport import GeoReport

CATEGORIES = ["seating", "lighting", "greenery", "accessibility", "sanitation", "traffic", "play", "other"]


def as_list(x):
    # xmltodict gives one child as a dict, several as a list.
    return x if isinstance(x, list) else [x]


def check(cond, what):
    if not cond:
        raise SystemExit(f"open311 client: {what}")


def main():
    base, seating, lighting, phone = sys.argv[1:5]
    endpoint = f"{base}/open311/v2"
    for fmt in ("json", "xml"):
        client = GeoReport(endpoint, output_format=fmt)
        services = as_list(client.get_service_list())
        check([s["service_code"] for s in services] == CATEGORIES, f"{fmt} services: {services}")
        check(all(str(s["metadata"]).lower() == "true" for s in services), f"{fmt} metadata")
        definition = client.get_service_definition("lighting")
        attributes = definition["attributes"]
        attributes = as_list(attributes["attribute"]) if fmt == "xml" else attributes
        check(definition["service_code"] == "lighting", f"{fmt} definition {definition}")
        check([a["code"] for a in attributes] == ["title"], f"{fmt} attributes {attributes}")

        both = as_list(client.get_service_requests(service_request_id=f"{seating},{lighting}"))
        check([r["service_request_id"] for r in both] == [seating, lighting], f"{fmt} by id: {both}")
        check([r["service_code"] for r in both] == ["seating", "lighting"], f"{fmt} codes")
        check(all(r["status"] == "open" for r in both), f"{fmt} status")
        check(phone not in repr(both), f"{fmt}: the contact phone left")

        one = client.get_service_request(seating)
        check(one["service_request_id"] == seating, f"{fmt} one: {one}")
        check(abs(float(one["lat"]) - 30.6291) < 1e-9 and abs(float(one["long"]) - 104.0591) < 1e-9, f"{fmt} position")
        check(one["description"].startswith("接口测试的长椅"), f"{fmt} description {one['description']!r}")
        check(one["requested_datetime"].endswith("+08:00"), f"{fmt} datetime {one['requested_datetime']}")

        listed = as_list(client.get_service_requests(service_code="seating", status="open"))
        check(seating in [r["service_request_id"] for r in listed], f"{fmt} listing")
        check(all(r["service_code"] == "seating" for r in listed), f"{fmt} listing by code")
        try:
            closed = client.get_service_requests(status="closed", service_code="lighting")
        except TypeError:
            # georeport cannot read an empty XML list (xmltodict gives None
            # for <service_requests></service_requests>): nothing listed.
            closed = []
        check(lighting not in repr(closed), f"{fmt}: an open request listed as closed")

        try:
            client.get_service_request("WH-2222")
            check(False, f"{fmt}: an unknown request was found")
        except requests.HTTPError as e:
            check(e.response.status_code == 404, f"{fmt}: {e}")
        print(f"open311 client ({fmt}): services, a definition, requests by id, code and status, one request, a 404")


if __name__ == "__main__":
    main()

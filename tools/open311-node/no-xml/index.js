// The open311 client's XML parsers (sparkxml, xml2json) are not installed:
// scripts/open311_client.js uses its JSON format only.
const refuse = () => {
  throw new Error("XML is not available in this install of the open311 client (JSON only)");
};
module.exports = { parseXml: refuse, toJson: refuse };

// Open every Great Expectations Data Docs page under a folder in headless Chromium, with
// every request outside file: blocked, and report as JSON per page: the rows its results
// table shows, whether Font Awesome's icons font loaded, console errors and the requests
// that tried to leave the file.
// Usage: node check_datadocs.js <data_docs folder>
const path = require("path");
const fs = require("fs");
const { launchChromium, openOffline } = require("./chromium");

function pages(folder) {
  return fs.readdirSync(folder, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .sort();
}

async function checkPage(browser, file) {
  const { page, consoleErrors, outsideRequests } = await openOffline(browser, "file://" + file, 1280);
  await page.waitForTimeout(300);
  const result = await page.evaluate(async () => {
    await document.fonts.ready;
    const visibleRows = (selector) => [...document.querySelectorAll(selector)]
      .filter((tr) => tr.checkVisibility() && tr.querySelectorAll("td").length > 1).length;
    return {
      title: document.title,
      indexRows: visibleRows(".ge-index-page-validation-results-table tbody tr"),
      tableRows: visibleRows("table tbody tr"),
      iconFont: document.fonts.check('900 16px "Font Awesome 6 Free"'),
      bootstrapTable: typeof window.jQuery === "function" && !!window.jQuery.fn.bootstrapTable,
      newsletter: document.body.innerHTML.includes("newsletter"),
    };
  });
  await page.close();
  return { ...result, consoleErrors, outsideRequests };
}

async function main() {
  const folder = path.resolve(process.argv[2]);
  const browser = await launchChromium();
  const results = {};
  for (const name of pages(folder)) results[name] = await checkPage(browser, path.join(folder, name));
  await browser.close();
  console.log(JSON.stringify(results, null, 1));
}

main().catch((err) => { console.error(err); process.exit(2); });

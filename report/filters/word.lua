-- Word: the report's raw HTML blocks become Word content. Charts (a <div class="vega-chart">
-- drawn by script in the HTML page) become the chart as a PNG image (charts/<id>.png,
-- written beside the SVG before rendering) with the chart's alt text; the data tables in
-- them become real Word tables. The download links of the HTML page are left out, and so is
-- the "show the data" toggle text, which means nothing on paper.
if FORMAT ~= "docx" then
  return {}
end

local function chart_image(div)
  local id = div.identifier:match("^vis%-(.+)$")
  if not id then
    return nil
  end
  local alt = div.attributes["aria-label"] or ""
  local image = pandoc.Image({ pandoc.Str(alt) }, "charts/" .. id .. ".png", "", pandoc.Attr("", {}, { alt = alt }))
  return pandoc.Plain({ image })
end

local function word_blocks(html)
  html = html:gsub("<summary>.-</summary>", "")
  local doc = pandoc.read(html, "html")
  return doc.blocks:walk({
    Div = function(div)
      if div.classes:includes("vega-chart") then
        return chart_image(div) or {}
      end
      if div.classes:includes("report-downloads") then
        return {}
      end
    end,
  })
end

function RawBlock(raw)
  if raw.format == "html" then
    if raw.text:match('class="report%-downloads"') then
      return {}
    end
    return word_blocks(raw.text)
  end
  return {}
end

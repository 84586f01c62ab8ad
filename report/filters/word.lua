-- Word: the report's raw HTML blocks become Word content. Charts (a <div class="vega-chart">
-- drawn by script in the HTML page) become the chart as a PNG image (charts/<id>.png,
-- written beside the SVG before rendering) with the chart's alt text, under its caption
-- (the headline in bold, then the subtitle; "Image Caption" keeps with the image); the data
-- tables in them become real Word tables, the text equivalent of the chart on paper. Left
-- out: the download links of the HTML page, the "show the data" toggle text, which means
-- nothing on paper, and the chart's long description, which the HTML page keeps for
-- screen readers and which would only repeat the data table here.
if FORMAT ~= "docx" then
  return {}
end

-- The PNG goes into pandoc's media bag here: pandoc runs sandboxed (its writers read no
-- file that is not named on the command line), so the Word writer takes it from there.
local function chart_image(div)
  local id = div.identifier:match("^vis%-([%w%-_]+)$")
  if not id then
    return nil
  end
  local path = "charts/" .. id .. ".png"
  local file = io.open(path, "rb")
  if not file then
    error("chart image missing: " .. path)
  end
  pandoc.mediabag.insert(path, "image/png", file:read("a"))
  file:close()
  local alt = div.attributes["aria-label"] or ""
  local image = pandoc.Image({ pandoc.Str(alt) }, path, "", pandoc.Attr("", {}, { alt = alt }))
  return pandoc.Plain({ image })
end

-- The chart's caption above the image, in one "Image Caption" paragraph.
local function chart_figure(figure)
  local caption = pandoc.Inlines({})
  for i, block in ipairs(figure.caption.long) do
    local words = pandoc.utils.blocks_to_inlines({ block })
    if i == 1 then
      caption:insert(pandoc.Strong(words))
    else
      caption:insert(pandoc.LineBreak())
      caption:extend(words)
    end
  end
  local blocks = pandoc.Blocks({ pandoc.Div({ pandoc.Para(caption) }, { ["custom-style"] = "Image Caption" }) })
  blocks:extend(figure.content)
  return blocks
end

local function word_blocks(html)
  html = html:gsub("<summary>.-</summary>", "")
  html = html:gsub('<p [^>]*class="chart%-description"[^>]*>.-</p>', "")
  local doc = pandoc.read(html, "html")
  return doc.blocks:walk({
    Figure = function(figure)
      if figure.classes:includes("chart") then
        return chart_figure(figure)
      end
    end,
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

-- A draft (the report's text still holds placeholder prose): "Draft: not for publication"
-- in bold on its own line under the date of Word's title block.
function Meta(meta)
  local notice = meta["draft-notice"]
  if notice then
    local line = pandoc.Inlines({})
    if meta.date then
      line:extend(pandoc.Inlines(meta.date))
      line:insert(pandoc.LineBreak())
    end
    line:insert(pandoc.Strong(pandoc.utils.stringify(notice)))
    meta.date = pandoc.MetaInlines(line)
    return meta
  end
end

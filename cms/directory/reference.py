"""The directory as the notice (荔安办〔2023〕95号) gives it.

附件1 lists the 20 departments; 二、督查范围 the key sectors and target categories; 三（一）the
special groups' jurisdictions. Sector leads follow 管行业必须管安全 and are editable data.
"""

NOTICE = "荔安办〔2023〕95号"

# (name, short name, code, kind)
DEPARTMENTS = [
    ("荔城区安委会办公室", "区安办", "office", "office"),
    ("区发改局", "发改局", "fgj", "department"),
    ("区工信局", "工信局", "gxj", "department"),
    ("区教育局", "教育局", "jyj", "department"),
    ("区公安分局", "公安分局", "gafj", "department"),
    ("区交警大队", "交警大队", "jjdd", "department"),
    ("区民宗局", "民宗局", "mzj", "department"),
    ("区民政局", "民政局", "mzhj", "department"),
    ("区自然资源局", "自然资源局", "zrzyj", "department"),
    ("区生态环境局", "生态环境局", "sthjj", "department"),
    ("区住建局", "住建局", "zjj", "department"),
    ("区交通运输局", "交通运输局", "jtysj", "department"),
    ("区水利局", "水利局", "slj", "department"),
    ("区农业农村局", "农业农村局", "nyncj", "department"),
    ("区商务局", "商务局", "swj", "department"),
    ("区文旅局", "文旅局", "wlj", "department"),
    ("区卫健局", "卫健局", "wjj", "department"),
    ("区应急管理局", "应急管理局", "yjglj", "department"),
    ("区市场监管局", "市场监管局", "scjgj", "department"),
    ("区城管执法局", "城管执法局", "cgzfj", "department"),
    ("区消防救援大队", "消防救援大队", "xfjydd", "department"),
    ("区委督查室", "督查", "ducha", "oversight"),
    ("区效能办", "效能", "xiaoneng", "oversight"),
]

# (name, code, kind)
JURISDICTIONS = [
    ("拱辰街道", "gongchen", "street"),
    ("镇海街道", "zhenhai", "street"),
    ("西天尾镇", "xitianwei", "town"),
    ("黄石镇", "huangshi", "town"),
    ("新度镇", "xindu", "town"),
    ("北高镇", "beigao", "town"),
    ("黄石工业园区", "huangshi-park", "park"),
    ("西天尾工业园区", "xitianwei-park", "park"),
]

# (name, code, key sector?, lead department short names, 重大事故隐患判定标准)
SECTORS = [
    ("道路交通", "road-traffic", True, ["交警大队", "交通运输局"], "道路运输企业和城市客运企业安全生产重大事故隐患判定标准"),
    ("消防", "fire", True, ["消防救援大队"], "重大火灾隐患判定方法（GB 35181）"),
    ("燃气", "gas", True, ["城管执法局"], "城镇燃气经营安全重大隐患判定标准"),
    ("危化品", "hazchem", True, ["应急管理局"], "危险化学品企业重大生产安全事故隐患判定标准"),
    ("建筑施工", "construction", True, ["住建局"], "房屋市政工程生产安全重大事故隐患判定标准"),
    ("工贸", "industry-trade", True, ["应急管理局", "工信局"], "工贸企业重大事故隐患判定标准"),
    ("旅游", "tourism", True, ["文旅局"], ""),
    ("水上交通运输与渔业船舶", "waterway-fishery", True, ["交通运输局", "农业农村局"], "水上客运重大事故隐患判定指南；渔业船舶重大事故隐患判定标准"),
    ("特种设备", "special-equipment", True, ["市场监管局"], "特种设备重大事故隐患判定准则"),
    ("能源和油气管道", "energy", False, ["发改局"], ""),
    ("校园安全", "campus", False, ["教育局"], ""),
    ("民用爆炸物品", "explosives", False, ["公安分局"], ""),
    ("宗教民俗场所", "religious-venues", False, ["民宗局"], ""),
    ("养老服务机构", "elderly-care", False, ["民政局"], ""),
    ("地质灾害与矿山", "geology-mining", False, ["自然资源局"], "金属非金属矿山重大事故隐患判定标准"),
    ("生态环境与危险废物", "environment", False, ["生态环境局"], ""),
    ("水利工程", "water-works", False, ["水利局"], "水利工程生产安全重大事故隐患判定标准"),
    ("农业农村", "agriculture", False, ["农业农村局"], ""),
    ("商贸流通", "commerce", False, ["商务局"], ""),
    ("医疗卫生", "health", False, ["卫健局"], ""),
    ("城市管理", "urban-management", False, ["城管执法局"], ""),
]

# 三（一）: (lead department short name, jurisdiction), as listed (拱辰街道 twice).
SPECIAL_ASSIGNMENTS = [
    ("交警大队", "拱辰街道"),
    ("住建局", "新度镇"),
    ("交通运输局", "拱辰街道"),
    ("消防救援大队", "黄石工业园区"),
    ("城管执法局", "西天尾镇"),
    ("城管执法局", "西天尾工业园区"),
    ("自然资源局", "黄石镇"),
    ("市场监管局", "北高镇"),
]

# 二、督查范围: (name, code, parent code or None)
TARGET_CATEGORIES = [
    ("规下企业", "below-scale", None),
    ("小微企业", "small-micro", "below-scale"),
    ("小作坊", "workshop", "below-scale"),
    ("危险化学品使用企业", "hazchem-user", None),
    ("三场所一企业", "three-sites-one", None),
    ("有限空间作业场所", "confined-space", "three-sites-one"),
    ("涉及可燃爆粉尘作业场所", "combustible-dust", "three-sites-one"),
    ("喷涂作业场所", "spray-coating", "three-sites-one"),
    ("涉氨制冷企业", "ammonia-refrigeration", "three-sites-one"),
    ("消防重点场所", "fire-key", None),
    ("劳动密集型企业", "labour-intensive", "fire-key"),
    ("人员密集场所", "crowded-place", "fire-key"),
    ("九小场所", "nine-small", "fire-key"),
    ("居住出租房", "rental-housing", "fire-key"),
    ("合用场所", "shared-premises", "fire-key"),
    ("三合一场所", "three-in-one", "fire-key"),
    ("城镇燃气", "urban-gas", None),
    ("特种设备", "special-equipment", None),
    ("建筑工地", "construction-site", None),
]

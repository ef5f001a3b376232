/**
 * The bilingual term list: business and technology concepts with their Japanese and English
 * wordings. A card's text is read against it, so a Japanese card about 決済 and an English card about
 * payments share the concept `payment` and meet across languages. The first English wording names the
 * concept (its id) and is shown in English reasons; the first Japanese wording in Japanese ones.
 *
 * One line per concept: `日本語|別表記 = english|variant`. English wordings are matched on words
 * (case-folded, simple plural stemming, hyphens as spaces); Japanese ones as substrings (NFKC).
 * Written for Kabuto (CC BY 4.0 like the rest of the project); add terms freely, ids must stay unique.
 */
const LINES = `
フィンテック|金融テクノロジー = fintech|financial technology
決済|ペイメント|支払い = payment|payments processing|checkout
キャッシュレス = cashless|cashless payment
送金|海外送金 = remittance|money transfer|cross border payment
融資|貸付|ローン = lending|loan|credit facility
与信|信用審査|与信審査 = credit scoring|credit assessment|underwriting
資産運用|アセットマネジメント = asset management|fund management|investment management
ウェルスマネジメント|富裕層 = wealth management|private banking
投資 = investment|investing
ベンチャーキャピタル|VC = venture capital|vc fund
エンジェル投資 = angel investment|angel investor
資金調達 = fundraising|funding round|raise capital
出資 = equity investment|equity stake|minority investment
シードラウンド|シード期 = seed round|seed stage
シリーズA = series a
銀行 = bank|banking
地方銀行|地銀 = regional bank
信用金庫|信金 = shinkin bank|credit union
金融機関 = financial institution
保険 = insurance|insurer
インシュアテック = insurtech
証券 = securities|brokerage
暗号資産|仮想通貨 = crypto asset|cryptocurrency|crypto
ブロックチェーン|分散型台帳 = blockchain|distributed ledger
トークン化|セキュリティトークン = tokenization|security token
電子マネー = electronic money|e money|stored value
ウォレット|電子財布 = digital wallet|wallet
本人確認|eKYC|オンライン本人確認 = identity verification|ekyc|kyc|know your customer
マネーロンダリング対策|AML|資金洗浄対策 = anti money laundering|aml
不正検知|不正利用検知 = fraud detection|fraud prevention
クラウドファンディング = crowdfunding
会計|経理 = accounting|bookkeeping
請求書|インボイス = invoice|invoicing|billing
経費精算 = expense management|expense report
給与計算|給与 = payroll
税務|税金 = tax|taxation
監査 = audit|auditing
コンプライアンス|法令遵守 = compliance
レグテック = regtech|regulatory technology
ファクタリング|売掛債権 = factoring|receivables finance
リース = leasing|lease
年金 = pension|retirement fund
住宅ローン = mortgage|home loan
オープンバンキング|銀行API = open banking|banking api
為替|外国為替 = foreign exchange|forex|fx
株式 = equity|stock|shares
債券 = bond|fixed income
ファンド = fund
上場|株式公開|IPO = ipo|initial public offering|listing
M&A|合併買収|企業買収 = mergers and acquisitions|acquisition|m and a
事業承継 = business succession|succession planning
人工知能|AI = artificial intelligence|ai
機械学習 = machine learning|ml
深層学習|ディープラーニング = deep learning|neural network
生成AI|生成系AI = generative ai|large language model|llm
画像認識|画像解析 = image recognition|computer vision|image analysis
音声認識 = speech recognition|voice recognition
自然言語処理 = natural language processing|nlp
機械翻訳|翻訳 = machine translation|translation
チャットボット|対話AI = chatbot|conversational ai
データ分析|データ解析|データアナリティクス = data analytics|data analysis
ビッグデータ = big data
クラウド|クラウドサービス = cloud|cloud service|cloud computing
SaaS|サース = saas|software as a service
サイバーセキュリティ|情報セキュリティ = cybersecurity|information security|cyber security
暗号化 = encryption|cryptography
認証|多要素認証 = authentication|multi factor authentication
IoT|モノのインターネット = iot|internet of things|connected device
センサー|センサ = sensor|sensing
ロボット|ロボティクス = robot|robotics
産業用ロボット = industrial robot
協働ロボット = collaborative robot|cobot
ドローン|無人航空機 = drone|unmanned aerial vehicle|uav
自動運転 = autonomous driving|self driving|autonomous vehicle
5G|第5世代移動通信 = 5g|fifth generation mobile
通信|テレコム = telecommunication|telecom|network communication
半導体 = semiconductor|chip
量子コンピュータ|量子計算 = quantum computing|quantum computer
拡張現実|AR = augmented reality|ar
仮想現実|VR = virtual reality|vr
メタバース = metaverse
3Dプリンター|積層造形|3Dプリンティング = 3d printing|additive manufacturing
デジタルツイン = digital twin
エッジコンピューティング = edge computing
データセンター = data center|data centre
ソフトウェア = software
アプリ|アプリケーション|スマホアプリ = mobile app|application|app
プラットフォーム = platform
マーケットプレイス = marketplace
電子商取引|EC|ネット通販|eコマース = e commerce|ecommerce|online retail|online shop
ゲーム = game|gaming
アニメ|アニメーション = anime|animation
コンテンツ = content|digital content
動画|映像 = video|film
ライブ配信|動画配信|ストリーミング = streaming|live streaming|video distribution
広告 = advertising|advertisement|ad tech
マーケティング = marketing
デジタルマーケティング = digital marketing
SNS|ソーシャルメディア = social media|social network
地図|マッピング = map|mapping|geospatial
位置情報 = location data|geolocation|gps
顔認証 = face recognition|facial recognition
生体認証 = biometrics|biometric authentication
RPA|業務自動化 = robotic process automation|rpa|process automation
デジタルトランスフォーメーション|DX = digital transformation|dx
API連携|API = api|api integration
オープンソース = open source
ローコード|ノーコード = low code|no code
データベース = database
電子署名 = electronic signature|e signature|digital signature
電子契約 = electronic contract|e contract
ペーパーレス = paperless|digitization of documents
サブスクリプション|サブスク = subscription
製造|製造業|ものづくり = manufacturing|manufacturer|monozukuri
工場|生産拠点 = factory|plant|production site
スマートファクトリー|スマート工場 = smart factory|industry 4.0
部品 = component|part|parts supply
金属加工 = metalworking|metal processing|metal fabrication
精密加工 = precision machining|precision engineering
切削加工|切削 = cutting|machining|cnc machining
溶接 = welding
金型 = mold|die|tooling
射出成形 = injection molding|injection moulding
樹脂|プラスチック = resin|plastic|polymer
素材|材料 = material|raw material
新素材|先端素材 = advanced material|new material
炭素繊維 = carbon fiber|carbon fibre
繊維|テキスタイル = textile|fiber|fabric
化学|化学品 = chemical|chemistry
塗装|コーティング = coating|painting
表面処理|めっき = surface treatment|plating
電子部品 = electronic component
プリント基板|基板 = printed circuit board|pcb|circuit board
組立|組み立て = assembly
検査|外観検査 = inspection|visual inspection
品質管理|品質保証 = quality control|quality assurance|qc
生産管理 = production management|production planning
試作|プロトタイプ = prototyping|prototype
設計 = engineering design|design engineering
工作機械 = machine tool
省力化|省人化 = labor saving|labour saving|workforce reduction
包装|パッケージ = packaging|package
印刷 = printing|print
物流|ロジスティクス = logistics|physical distribution
倉庫|物流センター = warehouse|distribution center
配送|ラストワンマイル = delivery|last mile
サプライチェーン|供給網 = supply chain
調達|購買 = procurement|sourcing|purchasing
在庫管理 = inventory management|stock control
トレーサビリティ|追跡 = traceability|tracking
医療 = medical|medicine|healthcare provider
医療機器 = medical device|medical equipment
医薬品|製薬|薬 = pharmaceutical|drug|pharma
創薬 = drug discovery|drug development
再生医療 = regenerative medicine|cell therapy
バイオ|バイオテクノロジー = biotechnology|biotech|bio
診断|検査薬 = diagnosis|diagnostics
遠隔医療|オンライン診療 = telemedicine|telehealth|remote consultation
介護|高齢者介護 = nursing care|elderly care|long term care
病院|医療機関 = hospital|clinic
ヘルスケア = healthcare|health care
ウェアラブル|ウェアラブル端末 = wearable|wearable device
健康|ウェルネス = health|wellness|wellbeing
臨床試験|治験 = clinical trial|clinical study
ゲノム|遺伝子 = genome|genomics|gene
がん|癌 = cancer|oncology
認知症 = dementia|alzheimer
リハビリ|リハビリテーション = rehabilitation|rehab
看護 = nursing|nurse
医療画像|画像診断 = medical imaging|radiology
手術|外科 = surgery|surgical
歯科 = dental|dentistry
電子カルテ = electronic medical record|electronic health record|emr
食品 = food|food product
農業|農産物 = agriculture|farming|agricultural product
スマート農業|アグリテック = smart agriculture|agritech|agtech
水産|漁業 = fisheries|fishing|seafood
食品加工 = food processing
飲料 = beverage|drink
化粧品|コスメ = cosmetics|beauty product|skincare
代替肉|植物性たんぱく = alternative protein|plant based meat
環境 = environment|environmental
再生可能エネルギー|再エネ = renewable energy|renewables|clean energy
太陽光|太陽光発電|ソーラー = solar|solar power|photovoltaic
風力|風力発電 = wind power|wind energy|wind turbine
水素 = hydrogen
燃料電池 = fuel cell
蓄電池|バッテリー|蓄電 = battery|energy storage|storage battery
電気自動車|EV = electric vehicle|ev
充電|充電器 = charging|charger|charging station
省エネ|省エネルギー = energy saving|energy efficiency
脱炭素 = decarbonization|decarbonisation|low carbon
カーボンニュートラル = carbon neutral|carbon neutrality|net zero
温室効果ガス|排出量 = greenhouse gas|emission|ghg
二酸化炭素|CO2 = carbon dioxide|co2
リサイクル|再資源化 = recycling|recycle
廃棄物 = waste|waste management
水処理|浄水 = water treatment|water purification
大気汚染 = air pollution|air quality
スマートグリッド = smart grid
電力 = electric power|electricity|power supply
エネルギー = energy
気候変動 = climate change|climate
ESG|ESG投資 = esg|esg investment
サステナビリティ|持続可能 = sustainability|sustainable
循環経済|サーキュラーエコノミー = circular economy
グリーンファイナンス|グリーンボンド = green finance|green bond
建設 = construction
建築 = architecture|building design
不動産 = real estate|property
不動産テック = proptech|property technology
スマートシティ = smart city
防災 = disaster prevention|disaster management|disaster resilience
危機管理 = crisis management|risk management
防犯|監視カメラ = crime prevention|surveillance camera|physical security
インフラ|社会基盤 = infrastructure
交通 = transportation|transport
モビリティ|MaaS = mobility|maas|mobility as a service
鉄道 = railway|rail
航空 = aviation|airline|aerospace
宇宙 = space|space industry
人工衛星|衛星 = satellite
観光|インバウンド = tourism|inbound tourism
旅行 = travel
ホテル|宿泊 = hotel|accommodation|hospitality
飲食|外食|レストラン = restaurant|food service
小売|小売業 = retail|retailer
卸売|卸 = wholesale|wholesaler
教育|エドテック = education|edtech
eラーニング|オンライン学習 = e learning|online learning
人材|人的資源 = human resources|hr|talent
採用|求人 = recruitment|hiring|recruiting
研修|トレーニング = training
働き方改革|リモートワーク|テレワーク = remote work|telework|work style reform
ファッション|アパレル = fashion|apparel
スポーツ = sport|sports
音楽 = music
デザイン = design|graphic design
伝統工芸 = traditional craft|craftsmanship
業務提携|提携|アライアンス = business alliance|alliance|strategic partnership
協業|パートナーシップ = collaboration|partnership
共同開発 = joint development|co development|co creation
共同研究 = joint research|research collaboration
ライセンス|ライセンス供与 = license|licence|licensing
特許 = patent
知的財産|知財 = intellectual property|ip
開放特許 = open patent|patent licensing|available patent
技術移転 = technology transfer
販路開拓|販路拡大 = sales channel|market development|new sales channel
代理店|販売代理店 = distributor|sales agent|reseller
輸出 = export|exporting
輸入 = import|importing
海外展開|海外進出 = overseas expansion|international expansion|global expansion
日本市場 = japanese market|japan market
市場参入 = market entry|entering the market
現地法人|子会社 = subsidiary|local subsidiary
合弁|合弁会社 = joint venture
スタートアップ = startup|start up
ベンチャー|ベンチャー企業 = venture|venture company
大企業|大手企業 = large company|large enterprise|corporation
中小企業 = sme|small and medium sized enterprise|small business
顧客|クライアント = customer|client
取引先 = business partner|trading partner
パートナー|相手先 = partner|counterpart
メーカー = maker|producer
サプライヤー|仕入先 = supplier|vendor
外注|業務委託|アウトソーシング = outsourcing|subcontracting
OEM|相手先ブランド製造 = oem|original equipment manufacturer
受託開発 = contract development|custom development
受託製造 = contract manufacturing|cmo
実証実験|PoC|概念実証 = proof of concept|poc|pilot project|field trial
導入 = implementation|adoption|deployment
販売|営業 = sales|selling
コンサルティング|コンサル = consulting|consultancy|advisory
研究開発 = research and development|r and d|rd
技術 = technology|technical
製品 = product
サービス = service
ソリューション = solution
新規事業 = new business|business development
オープンイノベーション = open innovation
アクセラレーター|アクセラレーションプログラム = accelerator|acceleration program
インキュベーション|インキュベーター = incubation|incubator
補助金|助成金 = grant|subsidy
規制|規制対応 = regulation|regulatory
許認可|認可 = permit|approval|authorization
標準化 = standardization|standard
高精度 = high precision|high accuracy
低コスト|コスト削減 = low cost|cost reduction|cost saving
効率化|業務効率化 = efficiency|operational efficiency|streamlining
生産性 = productivity
可視化 = visualization|visualisation|dashboard
最適化 = optimization|optimisation
予測|需要予測 = prediction|forecasting|demand forecasting
自動化 = automation|automated
遠隔|リモート = remote|remote monitoring
無人化|無人 = unmanned|unattended
リアルタイム = real time|realtime
予知保全|予防保全 = predictive maintenance|preventive maintenance
保守|メンテナンス = maintenance|upkeep
高齢者|シニア = elderly|senior|aging society
子育て|保育 = childcare|child care|parenting
女性活躍|女性起業家 = women empowerment|women entrepreneur|female founder
地域活性化|地方創生 = regional revitalization|local revitalization
東京 = tokyo
日本 = japan
アジア = asia
欧州|ヨーロッパ = europe|european
米国|アメリカ = united states|usa|america
北米 = north america
中国 = china|chinese market
シンガポール = singapore
英国|イギリス = united kingdom|uk|britain
ドイツ = germany
フランス = france
韓国 = korea|south korea
台湾 = taiwan
インド = india
東南アジア|ASEAN = southeast asia|asean
オーストラリア = australia
中東 = middle east
アフリカ = africa
中南米|ラテンアメリカ = latin america
海外 = overseas|international|global
多言語 = multilingual|multi language
英語対応 = english support|english speaking
日本語対応 = japanese support|japanese speaking
ローカライズ|現地化 = localization|localisation
越境EC = cross border e commerce|cross border ecommerce
顧客管理|CRM = customer relationship management|crm
販売管理 = sales management
ERP|基幹システム = enterprise resource planning|erp
人事管理|HRテック = hr tech|human capital management
勤怠管理 = attendance management|time and attendance
ワークフロー = workflow
文書管理 = document management
コールセンター|カスタマーサポート = call center|customer support|contact center
ポイント|ロイヤルティ = loyalty program|reward points
キャッシュフロー|資金繰り = cash flow|working capital
事業計画 = business plan
資本業務提携 = capital and business alliance|strategic investment
社会課題 = social issue|social challenge
インパクト投資 = impact investment|impact investing
ヘルステック|医療テック = healthtech|medtech|health technology
フードテック = foodtech|food technology
クリーンテック|環境技術 = cleantech|clean technology|environmental technology
モバイル|スマートフォン = mobile|smartphone
決済端末|POS = payment terminal|point of sale|pos
QRコード = qr code
NFC|非接触 = nfc|contactless
スマートロック = smart lock
スマートホーム = smart home
家電 = home appliance|consumer electronics
照明|LED = lighting|led
空調 = air conditioning|hvac
住宅 = housing|residential
オフィス = office|workspace
シェアリングエコノミー|シェアリング = sharing economy|sharing
ライドシェア = ride sharing|ride hailing
カーシェア = car sharing
電動キックボード|マイクロモビリティ = micromobility|e scooter
船舶|海運 = shipping|maritime|vessel
港湾 = port|harbor
航空機部品 = aircraft part|aerospace component
光学|レンズ = optics|optical|lens
レーザー = laser
計測|測定 = measurement|metrology
分析機器 = analytical instrument|laboratory equipment
ナノテクノロジー|ナノ = nanotechnology|nano
マイクロ波|無線 = wireless|radio frequency
アンテナ = antenna
ディスプレイ|表示装置 = display|screen
カメラ = camera
音響|オーディオ = audio|acoustic
`;

export interface Term {
  /** Stable id: the first English wording. */
  id: string;
  ja: string[];
  en: string[];
}

/** Normalize an English wording as the analyzer does: case-folded words, hyphens and ampersands as spaces, plurals stemmed. */
export function englishWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(stem);
}

/** A light stemmer: enough that "payments" meets "payment" and "companies" meets "company". */
export function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is|ics)$/.test(w)) return w.slice(0, -1);
  return w;
}

function parse(): Term[] {
  const out: Term[] = [];
  const ids = new Set<string>();
  for (const raw of LINES.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [ja, en] = line.split('=').map((s) => s.trim());
    if (!ja || !en) throw new Error(`term list: malformed line ${JSON.stringify(line)}`);
    const enTerms = en.split('|').map((s) => s.trim()).filter(Boolean);
    const id = englishWords(enTerms[0]!).join(' ');
    if (ids.has(id)) throw new Error(`term list: concept ${id} appears twice`);
    ids.add(id);
    out.push({ id, ja: ja.split('|').map((s) => s.trim()).filter(Boolean), en: enTerms });
  }
  return out;
}

export const TERMS: readonly Term[] = parse();
